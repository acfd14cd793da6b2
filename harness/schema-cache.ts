import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { default as Ajv, ValidateFunction } from 'ajv';
import { projectCacheDir } from './cache-dir';
import { nodeRequire } from './node-require';

/**
 * Compiled JSON Schema validators kept on disk as ajv standalone modules, so that a schema is
 * compiled once and then loaded by every later test file and run: Jest gives every test file a
 * module registry of its own, and compiling the response schemas and the config's schema again
 * in each was the largest part of the suites' CPU time (the profile in bench/README.md).
 *
 * Not at generate time: on GitHub's spec that is 2,829 response validators, 15 s and 22 MB of
 * code, for suites that may run few of them. Here only what a run uses is compiled, once.
 *
 * Files: `node_modules/.cache/contract-harness/schemas/<key>.cjs` beside the project's packages;
 * the key hashes all the code depends on (ajv's and ajv-formats' versions, the caller's salt: its
 * options and schemas, and the key it names), so a changed spec or package never loads a stale
 * one. Each module is a function of `require`: the code's own requires (ajv's run-time helpers,
 * the formats) resolve from the harness, not from wherever the cache is. Written under a
 * temporary name and renamed, so no reader sees half a file; two workers that compile the same
 * schema write the same bytes.
 */

type Factory = (require: NodeJS.Require, module: { exports: unknown }, exports: unknown) => unknown;

export interface SchemaCache {
  /** The cached validator, or undefined when there is none (or it cannot be loaded). */
  load(key: string): ValidateFunction | undefined;
  /** Keep a validator its Ajv compiled with `code: { source: true }`; a failed write only costs the next load. */
  store(key: string, ajv: Ajv, validate: ValidateFunction): void;
  /** Compile `schema` (a value, or a function that builds it only when needed) through `ajv` unless the cache has it, and keep what was compiled. */
  compile(key: string, ajv: () => Ajv, schema: object | boolean | (() => object | boolean)): ValidateFunction;
}

/** The version of an installed package, found from its entry point (not every package exports its package.json). */
export function installedVersion(name: string): string {
  for (let dir = dirname(require.resolve(name)); dirname(dir) !== dir; dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (!existsSync(manifest)) continue;
    const parsed = JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string; version?: string };
    if (parsed.name === name) return parsed.version ?? '';
  }
  return '';
}

let versions: string | undefined;
/** Read on first use, not at import: a test file whose validators are all cached before it starts need not read them at all. */
const ajvVersions = (): string => (versions ??= ['ajv', 'ajv-formats'].map((name) => `${name}@${installedVersion(name)}`).join(' '));

/** The cache of the project around `near` for schemas of one `salt`; undefined when no node_modules is above it. */
export function schemaCacheNear(near: string, salt: string): SchemaCache | undefined {
  const base = projectCacheDir(near);
  if (!base) return undefined;
  const dir = join(base, 'schemas');
  const saltHash = createHash('sha256').update(ajvVersions()).update('\0').update(salt).digest('hex');
  const fileOf = (key: string) => join(dir, `${createHash('sha256').update(saltHash).update('\0').update(key).digest('hex').slice(0, 32)}.cjs`);
  const cache: SchemaCache = {
    load(key) {
      const file = fileOf(key);
      if (!existsSync(file)) return undefined;
      try {
        // compiled once per process, not once per test file (a registry file loaded 58 of them)
        const factory = nodeRequire()(file) as Factory;
        const module = { exports: {} as unknown };
        factory(nodeRequire(), module, module.exports);
        return typeof module.exports === 'function' ? (module.exports as ValidateFunction) : undefined;
      } catch {
        return undefined; // unreadable: compiled again, and stored again
      }
    },
    store(key, ajv, validate) {
      try {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const code = (require('ajv/dist/standalone') as typeof import('ajv/dist/standalone')).default(ajv, validate);
        mkdirSync(dir, { recursive: true });
        const file = fileOf(key);
        const tmp = `${file}.${process.pid}.tmp`;
        writeFileSync(tmp, `module.exports = function (require, module, exports) {\n${code}\n};\n`);
        renameSync(tmp, file);
      } catch {
        // a read-only or full disk: the validator works, only the next run compiles it again
      }
    },
    compile(key, ajv, schema) {
      const cached = cache.load(key);
      if (cached) return cached;
      const instance = ajv();
      const validate = instance.compile(typeof schema === 'function' ? schema() : schema);
      cache.store(key, instance, validate);
      return validate;
    },
  };
  return cache;
}
