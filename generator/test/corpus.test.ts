import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { ResolvedConfig } from '../../harness/config';
import { classifyRefusal } from '../corpus/run-corpus';
import { generate } from '../pipeline';
import { SpecError } from '../spec-error';

/**
 * The small part of the corpus (`npm run corpus` runs all of it, see docs/corpus.md): a fixed
 * handful of real-world documents from @readme/oas-examples (copied into corpus-fixtures/, MIT)
 * across Swagger 2.0, OpenAPI 3.0 and 3.1. None may crash: each one generates, or is refused with a
 * SpecError (the CLI's exit 2) whose message names a pointer and classifies into a known reason.
 * In process and dry-run (nothing written) so openapi-typescript is imported once.
 */
const DIR = join(__dirname, 'corpus-fixtures');
const DOCS = readdirSync(DIR)
  .filter((f) => /\.(json|ya?ml)$/.test(f))
  .sort();

function configFor(file: string): ResolvedConfig {
  const name = file.replace(/\.(json|ya?ml)$/, '').toLowerCase().replace(/[^a-z0-9]+/g, '-');
  return {
    file: join(DIR, 'harness.config.json'),
    rootDir: DIR,
    outDir: join(DIR, 'out-never-written'),
    reportsDir: join(DIR, 'reports-never-written'),
    sandbox: false,
    services: [{ name, spec: join(DIR, file), baseUrl: 'http://127.0.0.1:9', headers: {}, bindings: {} }],
  };
}

// openapi-typescript prints its own refusals (with a stack) through console.error; the SpecError carries the reason
beforeAll(() => jest.spyOn(console, 'error').mockImplementation(() => undefined));
afterAll(() => jest.restoreAllMocks());

test('the fixture set spans Swagger 2.0, OpenAPI 3.0 and 3.1', () => {
  expect(DOCS.length).toBeGreaterThanOrEqual(5);
  expect(new Set(DOCS.map((f) => f.slice(0, 3)))).toEqual(new Set(['2.0', '3.0', '3.1']));
});

/**
 * Documents that once failed and must now generate: bare-name discriminator mappings and a $ref into
 * a path (their output's type check is in `npm run corpus`; the same shapes are the golden fixture
 * `path-refs`, type-checked by `npm run typecheck`).
 */
const MUST_GENERATE = new Set(['3.0-circular-paths.json', '3.0-discriminators.json']);

test.each([...MUST_GENERATE])('%s is in the fixture set', (file) => {
  expect(DOCS).toContain(file);
});

test.each(DOCS)('%s generates or is refused with a classified reason, never crashes', async (file) => {
  let outcome: string;
  try {
    const result = await generate({ config: configFor(file), dryRun: true });
    expect(result.files.some((f) => f.path.endsWith('manifest.json'))).toBe(true);
    outcome = 'generated';
  } catch (err) {
    // anything but a SpecError is what the CLI reports as a crash (exit 3, stack trace)
    if (!(err instanceof SpecError)) throw err;
    const cls = classifyRefusal(`error: ${err.file}#${err.pointer}: ${err.reason}\n`);
    expect(cls).not.toMatch(/^invalid document: \(no message\)/);
    expect(err.reason.length).toBeGreaterThan(0);
    outcome = `refused: ${cls}`;
  }
  expect(outcome).toMatch(/^(generated|refused: )/);
  if (MUST_GENERATE.has(file)) expect(outcome).toBe('generated');
}, 60_000);
