import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { ResolvedConfig } from '../../harness/config';

export const FIXTURES = resolve(__dirname, 'fixtures');
export const GOLDEN_FIXTURES = ['composition', 'crud', 'hostile', 'lists', 'nullable-30', 'parameters', 'path-refs', 'recursive', 'server-errors', 'swagger-20', 'type-arrays-31'];

/** The config a golden fixture generates with: one service named after the folder, output in `golden/`, its `expect` entries from `expect.json` when it has one. */
export function fixtureConfig(name: string, overrides: Partial<ResolvedConfig['services'][number]> = {}): ResolvedConfig {
  const dir = join(FIXTURES, name);
  const expectFile = join(dir, 'expect.json');
  const expect = existsSync(expectFile) ? { expect: JSON.parse(readFileSync(expectFile, 'utf8')) as NonNullable<ResolvedConfig['services'][number]['expect']> } : {};
  return {
    file: join(dir, 'harness.config.json'),
    rootDir: dir,
    outDir: join(dir, 'golden'),
    reportsDir: join(dir, 'reports'),
    sandbox: false,
    services: [{ name, spec: join(dir, 'spec.yaml'), baseUrl: 'http://127.0.0.1:9', headers: {}, bindings: {}, ...expect, ...overrides }],
  };
}

/** Every file under a folder, relative, posix slashes, sorted. */
export function listFiles(dir: string, prefix = ''): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .sort()
    .flatMap((name) => (statSync(join(dir, name)).isDirectory() ? listFiles(join(dir, name), `${prefix}${name}/`) : [`${prefix}${name}`]));
}
