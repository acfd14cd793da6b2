import { readFileSync } from 'node:fs';
import { basename, extname } from 'node:path';
import { parse } from 'yaml';

/**
 * What `init` needs of the spec it is given, read without the generator (init must not fail on
 * what generate will report better): the service name, whether it documents GET /health, and
 * one GET without required parameters for the example test.
 */
export interface SpecSummary {
  name: string;
  title: string;
  health?: string;
  exampleGet?: string;
}

export class InitError extends Error {
  override name = 'InitError';
}

const GENERIC_FILE_NAMES = new Set(['openapi', 'swagger', 'spec', 'api', 'index', 'schema']);
const SERVICE_NAME = /^[a-z][a-z0-9-]{0,62}$/;

const kebab = (text: string): string =>
  text
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The service name: the spec's file name (`openapi/notes.yaml` -> `notes`), or its title when the file name is generic. */
export function serviceNameFor(file: string, title: string): string | undefined {
  const stem = kebab(basename(file, extname(file)));
  const candidates = GENERIC_FILE_NAMES.has(stem) ? [kebab(title), stem] : [stem, kebab(title)];
  return candidates.find((c) => SERVICE_NAME.test(c));
}

function hasRequiredParameter(...lists: unknown[]): boolean {
  return lists.some((list) => Array.isArray(list) && list.some((p) => isRecord(p) && (p.required === true || '$ref' in p)));
}

/** `label`: the spec as the user named it, for messages. */
export function readSpecSummary(file: string, name?: string, label = file): SpecSummary {
  let doc: unknown;
  try {
    doc = parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new InitError(`--spec ${label}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : `not YAML or JSON (${(err as Error).message})`}`);
  }
  if (!isRecord(doc) || !(typeof doc.openapi === 'string' || typeof doc.swagger === 'string')) throw new InitError(`--spec ${label}: not an OpenAPI document (no "openapi" or "swagger" field)`);
  const info = isRecord(doc.info) ? doc.info : {};
  const title = typeof info.title === 'string' ? info.title : '';
  const serviceName = name ?? serviceNameFor(file, title);
  if (!serviceName || !SERVICE_NAME.test(serviceName)) {
    throw new InitError(`--name ${name ?? '(from the spec)'}: a service name is lower-case letters, digits and dashes, starting with a letter; pass --name`);
  }
  const paths = isRecord(doc.paths) ? doc.paths : {};
  const gets = Object.keys(paths)
    .sort()
    .filter((p) => {
      const item = paths[p];
      return !p.includes('{') && isRecord(item) && isRecord(item.get) && !hasRequiredParameter(item.parameters, item.get.parameters);
    });
  const health = gets.find((p) => /^\/(health|healthz|ready|livez?)$/.test(p));
  const exampleGet = gets.find((p) => p !== health) ?? health;
  return { name: serviceName, title, ...(health ? { health } : {}), ...(exampleGet ? { exampleGet } : {}) };
}
