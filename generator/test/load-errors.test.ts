import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { loadSpec } from '../load/load-spec';
import { SpecError } from '../spec-error';
import { FIXTURES } from './fixture-config';

const ERRORS = join(FIXTURES, 'errors');

/** given a bad document, want a SpecError naming the file and this JSON pointer, with this reason. */
const table: [string, { given: string; pointer: string; reason: RegExp }][] = [
  ['malformed YAML', { given: 'malformed.yaml', pointer: '/paths/~1a/get/responses', reason: /line 7, column 1/ }],
  ['a broken local $ref', { given: 'broken-ref.yaml', pointer: '/paths/~1a/get/responses/200/content/application~1json/schema/$ref', reason: /points at nothing/ }],
  ['a ref outside the folder', { given: 'outside-ref.yaml', pointer: '/paths/~1a/get/responses/200/content/application~1json/schema/$ref', reason: /leaves the spec's folder/ }],
  ['an http ref', { given: 'http-ref.yaml', pointer: '/paths/~1a/get/responses/200/$ref', reason: /never URLs/ }],
  ['a plain http ref', { given: 'http-plain-ref.yaml', pointer: '/paths/~1a/get/responses/200/content/application~1json/schema/$ref', reason: /never URLs/ }],
  ['an absolute-path ref', { given: 'absolute-ref.yaml', pointer: '/paths/~1a/get/responses/200/content/application~1json/schema/$ref', reason: /absolute paths are not followed/ }],
  ['a file: URL ref', { given: 'file-url-ref.yaml', pointer: '/paths/~1a/get/responses/200/$ref', reason: /never URLs/ }],
  ['a ref to a missing file', { given: 'missing-file-ref.yaml', pointer: '/paths/~1a/get/responses/200/$ref', reason: /not found: sub\/nope.yaml/ }],
  ['an unsupported version', { given: 'unsupported-version.yaml', pointer: '/openapi', reason: /unsupported version "4.0.0"/ }],
  ['a custom YAML tag', { given: 'custom-tag.yaml', pointer: '/info/title', reason: /custom YAML tags/ }],
  ['an alias bomb', { given: 'alias-bomb.yaml', pointer: '', reason: /alias bomb/ }],
  ['a parameter in an unknown location', { given: 'bad-path-item.yaml', pointer: '/paths/~1a/get/parameters/0/in', reason: /path, query, header, cookie/ }],
];

describe('bad documents are refused with file and JSON pointer', () => {
  test.each(table)('%s', async (_name, { given, pointer, reason }) => {
    const file = join(ERRORS, given);
    const err = await loadSpec(file).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(SpecError);
    expect((err as SpecError).file).toBe(file);
    expect((err as SpecError).pointer).toBe(pointer);
    expect((err as SpecError).reason).toMatch(reason);
  });

  const deepJson = (n: number) => `{"openapi":"3.1.0","info":{"title":"d","version":"1"},"paths":{},"x-deep":${'['.repeat(n)}${']'.repeat(n)}}`;

  test('JSON nested exactly to the limit loads', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'deep-')), 'limit.json');
    writeFileSync(file, deepJson(256));
    await expect(loadSpec(file)).resolves.toBeDefined();
  });

  // Nesting deep enough to overflow any recursive walk: refused by the depth budget (JSON) or as
  // a parse error (YAML, whose parser recurses), never a crash.
  test.each([
    ['JSON nested 100,000 levels', 'deep.json', deepJson, 100_000, /nested deeper than 256 levels/],
    ['JSON nested one level past the limit', 'edge.json', deepJson, 257, /nested deeper than 256 levels/],
    ['YAML nested 5,000 levels', 'deep.yaml', (n: number) => `openapi: 3.1.0\ninfo: {title: d, version: "1"}\npaths: {}\nx-deep: ${'['.repeat(n)}${']'.repeat(n)}\n`, 5_000, /nested (deeper than 256 levels|too deeply to parse)/],
  ])('%s', async (_name, fileName, make, depth, reason) => {
    const file = join(mkdtempSync(join(tmpdir(), 'deep-')), fileName);
    writeFileSync(file, make(depth));
    const err = await loadSpec(file).then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(SpecError);
    expect((err as SpecError).reason).toMatch(reason);
  });
});

describe('the generate command', () => {
  const repo = resolve(__dirname, '..', '..');
  const run = (config: object, args: string[] = []) => {
    const dir = mkdtempSync(join(tmpdir(), 'generate-'));
    const file = join(dir, 'harness.config.json');
    writeFileSync(file, JSON.stringify(config));
    const result = spawnSync(process.execPath, [join(repo, 'node_modules/tsx/dist/cli.mjs'), join(repo, 'generator/cli.ts'), ...args], {
      cwd: repo,
      env: { ...process.env, HARNESS_CONFIG: file },
      encoding: 'utf8',
      timeout: 60_000,
    });
    return { ...result, dir };
  };

  test('exits 2 on a bad spec, naming file and pointer, and writes nothing', () => {
    const r = run({ outDir: 'out', sandbox: false, services: [{ name: 'ok', spec: join(FIXTURES, 'nullable-30', 'spec.yaml'), baseUrl: 'http://127.0.0.1:9' }, { name: 'bad', spec: join(ERRORS, 'http-ref.yaml'), baseUrl: 'http://127.0.0.1:9' }] });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('http-ref.yaml#/paths/~1a/get/responses/200/$ref');
    expect(existsSync(join(r.dir, 'out'))).toBe(false);
  }, 60_000);

  test('a problem confined to one operation skips its cases with a reason and exits 0', () => {
    const r = run({ outDir: 'out', sandbox: false, services: [{ name: 'odd', spec: join(ERRORS, 'odd-template.yaml'), baseUrl: 'http://127.0.0.1:9' }] });
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(/odd path template/);
    const manifest = require(join(r.dir, 'out', 'odd', 'manifest.json')) as { operations: { path: string; cases: { skipped?: string }[] }[] };
    expect(manifest.operations.find((o) => o.path === '/a/{id')?.cases[0]?.skipped).toMatch(/odd path template/);
    expect(manifest.operations.find((o) => o.path === '/b/{id}')?.cases[0]?.skipped).toBeUndefined();
  }, 60_000);
});
