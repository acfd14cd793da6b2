import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Ajv2020, { type ErrorObject, type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { parse as parseYaml } from 'yaml';
import type { ValidationIssue } from './errors';

/**
 * Routes and request validators compiled from a service's own OpenAPI 3.1 document, so the
 * service accepts exactly what its contract says: path, query and body are validated before any
 * handler runs, and a violation is a 422 listing every problem with its location.
 */
export interface RouteValidators {
  params: ValidateFunction;
  query: ValidateFunction;
  body?: ValidateFunction;
  bodyRequired: boolean;
}

export interface Route {
  operationId: string;
  method: string;
  pathTemplate: string;
  /** Number of literal segments: more literal routes win over templated ones. */
  literalSegments: number;
  regex: RegExp;
  paramNames: string[];
  arrayQueryParams: Set<string>;
  validators: RouteValidators;
}

type Json = Record<string, unknown>;
const METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const;
// A URN needs a namespace id and a specific part (urn:<nid>:<nss>): fast-uri refuses 'urn:service-spec'.
export const SPEC_ID = 'urn:harness:service-spec';

/** Point local refs (`#/components/...`) at the spec registered in ajv under SPEC_ID. */
export function rebaseRefs(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(rebaseRefs);
  if (schema === null || typeof schema !== 'object') return schema;
  const out: Json = {};
  for (const [k, v] of Object.entries(schema as Json)) {
    out[k] = k === '$ref' && typeof v === 'string' && v.startsWith('#') ? `${SPEC_ID}${v}` : rebaseRefs(v);
  }
  return out;
}

export function resolveLocal(doc: Json, node: unknown): Json {
  let cur = node as Json;
  for (let guard = 0; typeof cur?.$ref === 'string' && guard < 20; guard++) {
    const pointer = (cur.$ref as string).replace(/^#\//, '').split('/');
    cur = pointer.reduce<unknown>((acc, key) => (acc as Json)?.[key.replace(/~1/g, '/').replace(/~0/g, '~')], doc) as Json;
  }
  return cur;
}

function compileRoute(ajv: Ajv2020, coercing: Ajv2020, doc: Json, path: string, method: string, op: Json, pathItem: Json): Route {
  const operationId = String(op.operationId ?? `${method} ${path}`);
  // An operation's parameter overrides the path item's one with the same name and location (OpenAPI 3.1, 4.8.10.1).
  const byKey = new Map<string, Json>();
  for (const p of [...((pathItem.parameters as unknown[]) ?? []), ...((op.parameters as unknown[]) ?? [])]) {
    const param = resolveLocal(doc, p);
    byKey.set(`${String(param.in)}:${String(param.name)}`, param);
  }
  const allParams = [...byKey.values()];
  const byLocation = (loc: string) => allParams.filter((p) => p.in === loc);
  const objectSchema = (params: Json[]) => ({
    type: 'object',
    properties: Object.fromEntries(params.map((p) => [String(p.name), rebaseRefs(p.schema ?? {})])),
    required: params.filter((p) => p.required).map((p) => String(p.name)),
  });
  const queryParams = byLocation('query');
  const arrayQueryParams = new Set(
    queryParams.filter((p) => (resolveLocal(doc, p.schema) as Json)?.type === 'array').map((p) => String(p.name)),
  );
  const body = op.requestBody ? resolveLocal(doc, op.requestBody) : undefined;
  const bodySchema = (body?.content as Json | undefined)?.['application/json'] as Json | undefined;
  const paramNames: string[] = [];
  const pattern = path.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\\?\{([^}]+)\\?\}/g, (_, name: string) => {
    paramNames.push(name);
    return '([^/]+)';
  });
  return {
    operationId,
    method: method.toUpperCase(),
    pathTemplate: path,
    literalSegments: path.split('/').filter((s) => s && !s.startsWith('{')).length,
    regex: new RegExp(`^${pattern}/?$`),
    paramNames,
    arrayQueryParams,
    validators: lazyValidators({
      params: () => coercing.compile(objectSchema(byLocation('path'))),
      query: () => coercing.compile(objectSchema(queryParams)),
      body: bodySchema?.schema ? () => ajv.compile(rebaseRefs(bodySchema.schema) as Json) : undefined,
      bodyRequired: Boolean(body?.required),
    }),
  };
}

/**
 * Validators compiled on first use, then kept: compiling every operation's validators up front
 * cost ~0.5 s of CPU per process, which the sandbox pays eight times over on two cores before
 * the first health check can answer. A route's first request pays its few milliseconds instead.
 */
function lazyValidators(make: {
  params: () => ValidateFunction;
  query: () => ValidateFunction;
  body?: () => ValidateFunction;
  bodyRequired: boolean;
}): RouteValidators {
  const cache: Partial<Record<'params' | 'query' | 'body', ValidateFunction>> = {};
  const get = (key: 'params' | 'query' | 'body', build: () => ValidateFunction) => (cache[key] ??= build());
  const body = make.body;
  return {
    get params() {
      return get('params', make.params);
    },
    get query() {
      return get('query', make.query);
    },
    get body() {
      return body ? get('body', body) : undefined;
    },
    bodyRequired: make.bodyRequired,
  };
}

/**
 * The parsed document, cached as JSON by content hash: parsing a 40 KB YAML document costs
 * ~0.3 s of CPU, JSON.parse of the same well under 1 ms, and the sandbox starts eight service
 * processes at once. The cache lives in the OS temp folder; a changed document has a new hash.
 */
export function loadSpec(specFile: string): Json {
  const text = readFileSync(specFile, 'utf8');
  const cacheDir = join(tmpdir(), 'harness-spec-cache');
  const cacheFile = join(cacheDir, `${createHash('sha256').update(text).digest('hex')}.json`);
  try {
    return JSON.parse(readFileSync(cacheFile, 'utf8')) as Json;
  } catch {
    const doc = parseYaml(text) as Json;
    try {
      mkdirSync(cacheDir, { recursive: true });
      const tmp = `${cacheFile}.${process.pid}.tmp`;
      writeFileSync(tmp, JSON.stringify(doc));
      renameSync(tmp, cacheFile);
    } catch {
      /* a cache we cannot write only costs time */
    }
    return doc;
  }
}

/** Load the document and compile a route per operation, most literal first. */
export function compileRoutes(specFile: string): Route[] {
  const doc = loadSpec(specFile);
  // validateSchema off: checking the components against the 2020-12 meta-schema compiles that
  // meta-schema in each instance (~0.4 s of CPU per process); the documents are validated by
  // services/specs.test.ts instead.
  const options = { strict: false, allErrors: true, discriminator: true, validateSchema: false } as const;
  const ajv = new Ajv2020(options);
  const coercing = new Ajv2020({ ...options, coerceTypes: 'array' });
  for (const instance of [ajv, coercing]) {
    addFormats(instance);
    instance.addSchema({ $id: SPEC_ID, components: rebaseRefs(doc.components ?? {}) });
  }
  const routes: Route[] = [];
  for (const [path, item] of Object.entries((doc.paths ?? {}) as Record<string, Json>)) {
    for (const method of METHODS) {
      const op = item[method] as Json | undefined;
      if (op) routes.push(compileRoute(ajv, coercing, doc, path, method, op, item));
    }
  }
  return routes.sort((a, b) => b.literalSegments - a.literalSegments || a.pathTemplate.localeCompare(b.pathTemplate));
}

/** Turn ajv errors into FastAPI-style issues: `loc` is where, `msg` says what. */
export function toIssues(where: 'path' | 'query' | 'body', errors: ErrorObject[] | null | undefined): ValidationIssue[] {
  return (errors ?? []).map((e) => {
    const loc: (string | number)[] = [where, ...e.instancePath.split('/').filter(Boolean).map((s) => (/^\d+$/.test(s) ? Number(s) : s))];
    if (e.keyword === 'required') loc.push(String(e.params.missingProperty));
    if (e.keyword === 'additionalProperties') loc.push(String(e.params.additionalProperty));
    return { loc, msg: e.message ?? 'invalid', type: e.keyword === 'required' ? 'missing' : e.keyword };
  });
}
