import { discover, discoverKey, listItems, type ListFetcher } from './discover';

/** Discovery of path values from the seeded instance's lists: what it picks, and why it finds nothing. */
function fetcher(lists: Record<string, unknown>): ListFetcher & { calls: string[] } {
  const calls: string[] = [];
  const fn = async (path: string, values: Record<string, unknown>) => {
    const url = path.replace(/\{(\w+)\}/g, (_, n: string) => String(values[n]));
    calls.push(url);
    return url in lists ? { status: 200, text: JSON.stringify(lists[url]) } : { status: 404, text: '{"detail":"no route"}' };
  };
  return Object.assign(fn, { calls });
}

test('an array list gives its first record\'s field; records the tests created are passed over', async () => {
  const f = fetcher({ '/tags': [{ id: 9 }, { id: 3 }] });
  expect(await discover({ path: '/tags', field: 'id' }, f)).toEqual({ value: 9 });
  expect(await discover({ path: '/tags', field: 'id' }, f, new Set(['9']))).toEqual({ value: 3 });
});

test('a wrapped list ({"projects": [...]}) is read under its listProperty, never as a record', async () => {
  const f = fetcher({ '/projects': { version: 1, projects: [{ id: 'default' }] } });
  expect(await discover({ path: '/projects', field: 'id', listProperty: 'projects' }, f)).toEqual({ value: 'default' });
  expect(await discover({ path: '/projects', field: 'id' }, f)).toEqual({ reason: expect.stringContaining('GET /projects on the seeded instance answered 200, not a list') });
  expect(listItems({ projects: 'x' }, 'projects')).toBeUndefined();
  expect(listItems(Object.create({ projects: [1] }), 'projects')).toBeUndefined(); // own properties only
});

test('parents are discovered first; a parent with nothing to give is the reason of the child', async () => {
  const f = fetcher({ '/shelves': [{ id: 's1' }], '/shelves/s1/books': [{ bookId: 'b7' }], '/rooms': [] });
  const book = { path: '/shelves/{shelfId}/books', field: 'bookId', params: { shelfId: { discover: { path: '/shelves', field: 'id' } } } };
  expect(await discover(book, f)).toEqual({ value: 'b7' });
  expect(f.calls).toEqual(['/shelves', '/shelves/s1/books']);
  const orphan = { path: '/rooms/{roomId}/desks', field: 'id', params: { roomId: { discover: { path: '/rooms', field: 'id' } } } };
  expect(await discover(orphan, f, new Set(), 'deskId')).toEqual({
    reason: 'no value for roomId: GET /rooms on the seeded instance listed no record; seed a record or set bindings.roomId in the harness config',
  });
});

test('records without the field, and a list that cannot be fetched, are reasons too', async () => {
  expect(await discover({ path: '/tags', field: 'slug' }, fetcher({ '/tags': [{ id: 1 }] }))).toEqual({ reason: expect.stringContaining('listed records without "slug"') });
  const down: ListFetcher = async () => {
    throw new Error('connect ECONNREFUSED');
  };
  expect(await discover({ path: '/tags', field: 'id' }, down)).toEqual({ reason: 'GET /tags failed (connect ECONNREFUSED)' });
  // with the name of what it fills, the reason says which value is missing and which binding supplies it
  expect(await discover({ path: '/tags', field: 'id' }, down, new Set(), 'tagId')).toEqual({ reason: 'no value for tagId: GET /tags failed (connect ECONNREFUSED); seed a record or set bindings.tagId in the harness config' });
});

test('the key of a source does not depend on the order its fields were written in', () => {
  const a = discoverKey({ path: '/a/{x}/b', field: 'id', params: { x: { discover: { path: '/a', field: 'id' } } } });
  const b = discoverKey({ params: { x: { discover: { field: 'id', path: '/a' } } }, field: 'id', path: '/a/{x}/b' } as never);
  expect(a).toBe(b);
  expect(discoverKey({ path: '/a', field: 'id' })).not.toBe(discoverKey({ path: '/a', field: 'id', listProperty: 'a' }));
});
