// A hand-written test of the pack demo: create a note through the typed client, then check the
// row with pg against the sandbox's seeded database, and read it back through the API.
import { fails, ok, pg } from 'contract-harness/runtime';
import { notes } from '../generated/notes/client';

afterAll(() => pg.end());

test('a created note is one row in the database and reads back as created', async () => {
  const title = `pack demo ${process.pid} ${Date.now()}`;
  const created = ok(await notes.seeded.POST('/notes', { body: { title, body: 'from the hand-written test' } }), 201);
  const rows = await pg.query<{ title: string; body: string }>('SELECT title, body FROM notes WHERE id = $1', [created.id]);
  expect(rows).toEqual([{ title, body: 'from the hand-written test' }]);
  const read = ok(await notes.seeded.GET('/notes/{noteId}', { params: { path: { noteId: created.id } } }), 200);
  expect(read).toEqual(created);
});

test('the seeded notes are there, and an unknown id is a documented 404', async () => {
  expect(await pg.count('notes', "id::text LIKE '00000000-0000-4000-8000-%'")).toBe(2);
  const problem = fails(await notes.seeded.GET('/notes/{noteId}', { params: { path: { noteId: '00000000-0000-4000-8000-0000000000ff' } } }), 404);
  expect(problem.detail).toContain('no note');
});
