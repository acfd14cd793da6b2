import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { generate } from '../pipeline';
import { GOLDEN_FIXTURES, fixtureConfig, listFiles } from './fixture-config';

/**
 * One golden per emitted file, for fixture specs of one feature each. `UPDATE_GOLDENS=1` rewrites
 * them (and deletes orphans); `npm run typecheck` type-checks them, since they sit in the tree.
 */
const update = process.env.UPDATE_GOLDENS === '1';

describe.each(GOLDEN_FIXTURES)('golden output of fixture %s', (name) => {
  const config = fixtureConfig(name);
  let files: { path: string; content: string }[] = [];

  beforeAll(async () => {
    files = (await generate({ config, dryRun: true })).files;
    if (update) {
      for (const orphan of listFiles(config.outDir).filter((f) => !files.some((g) => g.path === f))) rmSync(join(config.outDir, orphan));
      for (const f of files) {
        mkdirSync(dirname(join(config.outDir, f.path)), { recursive: true });
        writeFileSync(join(config.outDir, f.path), f.content);
      }
    }
  }, 60_000);

  test('every emitted file equals its golden', () => {
    for (const f of files) {
      let golden: string;
      try {
        golden = readFileSync(join(config.outDir, f.path), 'utf8');
      } catch {
        throw new Error(`no golden for ${f.path}: run UPDATE_GOLDENS=1 npm run -s jest -- generator/test/golden.test.ts`);
      }
      expect({ path: f.path, content: f.content }).toEqual({ path: f.path, content: golden });
    }
  });

  test('no golden is an orphan', () => {
    expect(listFiles(config.outDir)).toEqual(files.map((f) => f.path));
  });

  test('the same input gives byte-identical output', async () => {
    const again = (await generate({ config, dryRun: true })).files;
    expect(again).toEqual(files);
  });
});
