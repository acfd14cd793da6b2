import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { InitError } from './read-spec-summary';

/**
 * What `init` would do to each target, decided before anything is written: a file it owns is
 * created, left as it is, kept (it differs and there is no --force) or overwritten; package.json
 * gets the scripts and allowScripts entries it lacks, never a changed one; .gitignore gets the
 * lines it lacks.
 */
export interface FileChange {
  path: string;
  /** The full new content when `action` writes. */
  content: string;
  action: 'create' | 'overwrite' | 'unchanged' | 'kept';
  note?: string;
}

export function planFile(dir: string, path: string, content: string, force: boolean): FileChange {
  const file = join(dir, path);
  if (!existsSync(file)) return { path, content, action: 'create' };
  if (readFileSync(file, 'utf8') === content) return { path, content, action: 'unchanged' };
  return force ? { path, content, action: 'overwrite' } : { path, content, action: 'kept', note: 'differs from what init writes; --force overwrites it' };
}

export interface PackageJsonChange {
  path: 'package.json';
  content: string;
  action: 'create' | 'update' | 'unchanged';
  added: string[];
  /** Scripts of the same name that the project already has, and what the harness's would be. */
  keptScripts: { name: string; yours: string; ours: string }[];
}

type Json = Record<string, unknown>;
const isRecord = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Merge scripts and allowScripts into package.json (created when missing), key order kept, nothing existing changed. */
export function planPackageJson(dir: string, scripts: Record<string, string>, allowScripts: Record<string, boolean>, defaultName: string): PackageJsonChange {
  const file = join(dir, 'package.json');
  const exists = existsSync(file);
  const before = exists ? readFileSync(file, 'utf8') : '';
  let pkg: Json;
  try {
    pkg = exists ? (JSON.parse(before) as Json) : { name: defaultName, private: true };
  } catch (err) {
    throw new InitError(`package.json is not valid JSON (${(err as Error).message}); fix it, then run init again`);
  }
  if (!isRecord(pkg)) throw new InitError('package.json is not a JSON object');
  const added: string[] = [];
  const keptScripts: PackageJsonChange['keptScripts'] = [];
  const ownScripts: Json = isRecord(pkg.scripts) ? { ...pkg.scripts } : {};
  for (const [name, command] of Object.entries(scripts)) {
    const yours = ownScripts[name];
    if (yours === undefined) {
      ownScripts[name] = command;
      added.push(`script "${name}"`);
    } else if (yours !== command) keptScripts.push({ name, yours: String(yours), ours: command });
  }
  const allow: Json = isRecord(pkg.allowScripts) ? { ...pkg.allowScripts } : {};
  for (const [name, allowed] of Object.entries(allowScripts)) {
    if (allow[name] === undefined) {
      allow[name] = allowed;
      added.push(`allowScripts "${name}": ${allowed}`);
    }
  }
  const next: Json = { ...pkg, scripts: ownScripts, allowScripts: allow };
  const indent = /^\{\s*\n(\s+)"/.exec(before)?.[1] ?? '  ';
  const content = `${JSON.stringify(next, null, indent)}\n`;
  const action = !exists ? 'create' : added.length === 0 ? 'unchanged' : 'update';
  return { path: 'package.json', content: action === 'unchanged' ? before : content, action, added, keptScripts };
}

export interface GitignoreChange {
  path: '.gitignore';
  content: string;
  action: 'create' | 'update' | 'unchanged';
  added: string[];
}

/** Append the lines .gitignore lacks (compared without a trailing slash), under one comment. */
export function planGitignore(dir: string, lines: readonly string[]): GitignoreChange {
  const file = join(dir, '.gitignore');
  const before = existsSync(file) ? readFileSync(file, 'utf8') : '';
  const present = new Set(before.split(/\r?\n/).map((l) => l.trim().replace(/\/$/, '')));
  const added = lines.filter((l) => !present.has(l.replace(/\/$/, '')));
  if (added.length === 0) return { path: '.gitignore', content: before, action: 'unchanged', added };
  const sep = before === '' || before.endsWith('\n') ? '' : '\n';
  return { path: '.gitignore', content: `${before}${sep}# contract-harness\n${added.join('\n')}\n`, action: before ? 'update' : 'create', added };
}
