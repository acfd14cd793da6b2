import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { FIXTURES } from './fixture-config';

/**
 * The command as a user runs it: a config somewhere in the repository's tree for services running
 * elsewhere (`sandbox: false`), output in that config's outDir, `--check`, a no-change
 * regenerate that never loads openapi-typescript, and the report of what an API change did.
 */
const repo = resolve(__dirname, '..', '..');
const dir = join(repo, '.tmp', `cli-test-${process.pid}`);
const config = join(dir, 'elsewhere', 'harness.config.json');

function generate(...args: string[]) {
  return spawnSync(process.execPath, [join(repo, 'node_modules/tsx/dist/cli.mjs'), join(repo, 'generator/cli.ts'), ...args], {
    cwd: repo,
    env: { ...process.env, HARNESS_CONFIG: config },
    encoding: 'utf8',
    timeout: 120_000,
  });
}

beforeAll(() => {
  mkdirSync(join(dir, 'elsewhere', 'specs'), { recursive: true });
  copyFileSync(join(FIXTURES, 'nullable-30', 'spec.yaml'), join(dir, 'elsewhere', 'specs', 'notes.yaml'));
  writeFileSync(config, JSON.stringify({ outDir: 'gen', sandbox: false, services: [{ name: 'notes', spec: 'specs/notes.yaml', baseUrl: 'http://127.0.0.1:9', bindings: { noteId: 7 } }] }));
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

test('generates into the outDir of the config named by HARNESS_CONFIG, then --check is clean', () => {
  const first = generate();
  expect(first.status).toBe(0);
  expect(first.stdout).toMatch(/stages: load \d+ ms, ir \d+ ms, plan \d+ ms, emit \d+ ms/);
  for (const f of ['client.ts', 'types.ts', 'manifest.json', 'contract.json', 'notes.cases.ts', 'notes.test.ts']) expect(existsSync(join(dir, 'elsewhere', 'gen', 'notes', f))).toBe(true);
  // Bindings come first: the read case uses the configured id.
  expect(readFileSync(join(dir, 'elsewhere', 'gen', 'notes', 'notes.cases.ts'), 'utf8')).toContain('"noteId": { "value": 7 }');
  expect(generate('--check').status).toBe(0);
}, 120_000);

test('a regenerate with nothing changed decides from the input stamp, loading no spec', () => {
  const again = generate();
  expect(again.status).toBe(0);
  expect(again.stdout).toContain('notes: 4 operations, 1 test file(s) of 1 case module(s), unchanged since the last generate');
  expect(again.stdout).toMatch(/stages: input stamp \d+ ms/);
  expect(again.stdout).toContain('nothing changed');
  expect(generate('--check').stdout).toContain('gen is up to date');
}, 120_000);

test('an output edited by hand, or one the generator would remove, is not covered by the stamp: the full run restores it, and reuses the types', () => {
  const file = join(dir, 'elsewhere', 'gen', 'notes', 'notes.test.ts');
  const generated = readFileSync(file, 'utf8');
  writeFileSync(file, generated + '// edited by hand\n');
  const orphan = join(dir, 'elsewhere', 'gen', 'notes', 'removed.test.ts');
  writeFileSync(orphan, readFileSync(join(dir, 'elsewhere', 'gen', 'notes', 'client.ts'), 'utf8'));
  const out = generate();
  expect(out.status).toBe(0);
  expect(out.stdout).toContain('types unchanged (openapi-typescript not loaded)');
  expect(out.stdout).toMatch(/wrote \S*gen\/notes\/notes\.test\.ts/);
  expect(out.stdout).toMatch(/removed \S*gen\/notes\/removed\.test\.ts/);
  expect(readFileSync(file, 'utf8')).toBe(generated);
  // a file of the user's own in the folder is not an orphan, and the stamp knows it next time
  writeFileSync(join(dir, 'elsewhere', 'gen', 'notes', 'notes-extra.json'), '{}');
  expect(generate().stdout).toContain('types unchanged (openapi-typescript not loaded)');
  expect(generate().stdout).toContain('unchanged since the last generate');
}, 120_000);

test('--check exits 1 naming a stale file', () => {
  const file = join(dir, 'elsewhere', 'gen', 'notes', 'notes.test.ts');
  writeFileSync(file, readFileSync(file, 'utf8') + '// edited by hand\n');
  const check = generate('--check');
  expect(check.status).toBe(1);
  expect(check.stderr).toContain('notes/notes.test.ts');
}, 120_000);

test('after an API change, generate prints the operations added, removed and changed', () => {
  const spec = join(dir, 'elsewhere', 'specs', 'notes.yaml');
  const text = readFileSync(spec, 'utf8')
    .replace("        '404': { $ref: '#/components/responses/NotFound' }\n    patch:", "        '404': { $ref: '#/components/responses/NotFound' }\n        '422': { $ref: '#/components/responses/Invalid' }\n    patch:")
    .replace('  /notes:\n', '  /tags:\n    get:\n      operationId: listTags\n      responses:\n        \'200\': { description: Tags. }\n  /notes:\n')
    .replace(/    patch:\n      operationId: updateNote[\s\S]*?(?=components:)/, '');
  writeFileSync(spec, text);
  const out = generate();
  expect(out.status).toBe(0);
  expect(out.stdout).toContain('notes: added GET /tags');
  expect(out.stdout).toContain('notes: removed PATCH /notes/{noteId}');
  expect(out.stdout).toContain('notes: changed GET /notes/{noteId} (+statuses 422)');
}, 120_000);

test('a bad config exits 2 naming the file and the JSON pointer, nothing written', () => {
  const bad = join(dir, 'bad.config.json');
  writeFileSync(bad, JSON.stringify({ outDir: 'never', services: [{ name: 'Bad Name', spec: 'x.yaml' }] }));
  const r = spawnSync(process.execPath, [join(repo, 'node_modules/tsx/dist/cli.mjs'), join(repo, 'generator/cli.ts')], {
    cwd: repo,
    env: { ...process.env, HARNESS_CONFIG: bad },
    encoding: 'utf8',
    timeout: 60_000,
  });
  expect(r.status).toBe(2);
  expect(r.stderr).toMatch(/bad\.config\.json#\/services\/0\/name: /);
  expect(existsSync(join(dir, 'never'))).toBe(false);
}, 60_000);
