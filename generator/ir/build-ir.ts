import type { LoadedSpec } from '../load/load-spec';
import { HTTP_METHODS } from '../load/validate-document';
import { isRecord, toPointer } from '../spec-error';
import { classifyOperation } from './classify-operation';
import { inferResources } from './infer-resources';
import { classifyListParameters } from './list-parameters';
import { buildListShape, buildRecordShape } from './record-shape';
import { firstExample, resolveNode, resolveRecord } from './resolve-node';
import type { BodyIr, HttpMethod, LinkIr, OperationIr, ParameterIr, ParameterLocation, ResponseIr, ServiceIr } from './types';

/** Stage 2: the loaded document -> a small resolved model, sorted once (path, then method). */
export function buildServiceIr(name: string, spec: LoadedSpec): ServiceIr {
  const doc = spec.document;
  const warnings: string[] = [];
  const paths = isRecord(doc.paths) ? doc.paths : {};
  const drafts: OperationIr[] = [];
  for (const route of Object.keys(paths).sort(compareText)) {
    const item = resolveRecord(doc, paths[route]);
    for (const method of [...HTTP_METHODS].sort()) {
      const op = item[method];
      if (!isRecord(op)) continue;
      drafts.push(buildOperationIr(doc, route, method, item, op));
    }
  }
  assignOperationIds(drafts, warnings);
  const operations = drafts.map((op) => classifyOperation(op, drafts));
  for (const op of operations) for (const p of op.problems) warnings.push(`${op.method.toUpperCase()} ${op.path}: ${p}`);
  const info = isRecord(doc.info) ? doc.info : {};
  const components = isRecord(doc.components) ? doc.components : {};
  const schemas = isRecord(components.schemas) ? components.schemas : {};
  return {
    name,
    title: typeof info.title === 'string' ? info.title : name,
    version: spec.version,
    versionString: spec.versionString,
    document: doc,
    operations,
    resources: inferResources(operations),
    schemaNames: Object.keys(schemas).sort(compareText),
    warnings,
  };
}

/** Code-unit order, not locale order: the same on every machine. */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function buildOperationIr(
  doc: Record<string, unknown>,
  route: string,
  method: HttpMethod,
  item: Record<string, unknown>,
  op: Record<string, unknown>,
): OperationIr {
  const problems: string[] = [];
  const parameters = collectParameters(doc, item, op);
  checkPathTemplate(route, parameters.path, problems);
  const responses = collectResponses(doc, op);
  const body = collectBody(doc, op);
  const list = buildListShape(doc, responses);
  const okSchema = responses.find((r) => /^2/.test(r.status))?.schema;
  // an item path (`/things/{id}`) reads one record, even one with a single array property
  const onCollection = !/\{[^{}]*\}$/.test(route);
  const listParameters = list && method === 'get' && onCollection ? classifyListParameters(doc, parameters.query, parameters.path, list, okSchema) : undefined;
  return {
    operationId: typeof op.operationId === 'string' ? op.operationId : '',
    method,
    path: route,
    pointer: toPointer(['paths', route, method]),
    tags: Array.isArray(op.tags) ? (op.tags as string[]) : [],
    ...(typeof op.summary === 'string' ? { summary: op.summary } : {}),
    parameters,
    ...(body ? { body } : {}),
    responses,
    ...(list ? { list } : {}),
    ...(listParameters ? { listParameters } : {}),
    role: 'action',
    documents: {
      notFound: responses.some((r) => r.status === '404'),
      validation: ['422', '400'].filter((s) => responses.some((r) => r.status === s)),
    },
    problems,
  };
}

/** Path-item parameters apply unless the operation redefines the same name + location (3.x 4.8.9). */
function collectParameters(doc: unknown, item: Record<string, unknown>, op: Record<string, unknown>): Record<ParameterLocation, ParameterIr[]> {
  const byKey = new Map<string, ParameterIr>();
  for (const list of [item.parameters, op.parameters]) {
    if (!Array.isArray(list)) continue;
    for (const raw of list) {
      const p = resolveRecord(doc, raw);
      if (typeof p.name !== 'string' || typeof p.in !== 'string') continue;
      const media = isRecord(p.content) ? resolveRecord(doc, Object.values(p.content)[0]) : {};
      const schema = p.schema ?? media.schema ?? {};
      const example = firstExample(doc, p) ?? firstExample(doc, media) ?? firstExample(doc, resolveRecord(doc, schema));
      byKey.set(`${p.in}:${p.name}`, {
        name: p.name,
        in: p.in as ParameterLocation,
        required: p.in === 'path' ? true : p.required === true,
        schema,
        resolved: resolveRecord(doc, schema),
        ...(example ? { example } : {}),
        ...(typeof p['x-filter-of'] === 'string' ? { filterOf: p['x-filter-of'] } : {}),
      });
    }
  }
  const out: Record<ParameterLocation, ParameterIr[]> = { path: [], query: [], header: [], cookie: [] };
  for (const p of byKey.values()) out[p.in].push(p);
  for (const loc of Object.keys(out) as ParameterLocation[]) out[loc].sort((a, b) => compareText(a.name, b.name));
  return out;
}

function checkPathTemplate(route: string, pathParams: ParameterIr[], problems: string[]): void {
  const names = [...route.matchAll(/\{([^{}]*)\}/g)].map((m) => m[1] ?? '');
  const stray = route.replace(/\{[^{}]*\}/g, '');
  if (stray.includes('{') || stray.includes('}') || names.some((n) => n === '')) {
    problems.push(`odd path template "${route}"`);
    return;
  }
  for (const n of names) if (!pathParams.some((p) => p.name === n)) problems.push(`path parameter "${n}" is not declared`);
  for (const p of pathParams) if (!names.includes(p.name)) problems.push(`path parameter "${p.name}" is not in the path template`);
}

/** JSON media types: `application/json`, `*+json` (RFC 6839). */
export function isJsonMediaType(type: string): boolean {
  const base = type.split(';')[0]?.trim().toLowerCase() ?? '';
  return base === 'application/json' || base.endsWith('+json') || base === '*/*';
}

function pickMedia(doc: unknown, content: unknown): { contentType: string; media: Record<string, unknown> } | undefined {
  if (!isRecord(content)) return undefined;
  const types = Object.keys(content).sort(compareText);
  const chosen = types.find((t) => t.split(';')[0]?.trim().toLowerCase() === 'application/json') ?? types.find(isJsonMediaType);
  if (!chosen) return undefined;
  return { contentType: chosen, media: resolveRecord(doc, content[chosen]) };
}

function collectBody(doc: unknown, op: Record<string, unknown>): BodyIr | undefined {
  if (op.requestBody === undefined) return undefined;
  const body = resolveRecord(doc, op.requestBody);
  const picked = pickMedia(doc, body.content);
  if (!picked) return undefined;
  const schema = picked.media.schema ?? {};
  const example = firstExample(doc, picked.media) ?? firstExample(doc, resolveRecord(doc, schema));
  const record = buildRecordShape(doc, schema);
  return { required: body.required === true, contentType: picked.contentType, schema, ...(example ? { example } : {}), ...(record ? { record } : {}) };
}

function collectResponses(doc: unknown, op: Record<string, unknown>): ResponseIr[] {
  const responses = isRecord(op.responses) ? op.responses : {};
  const out: ResponseIr[] = [];
  for (const status of Object.keys(responses)) {
    const res = resolveNode(doc, responses[status]);
    const picked = isRecord(res) ? pickMedia(doc, res.content) : undefined;
    const schema = picked?.media.schema;
    const record = schema !== undefined ? buildRecordShape(doc, schema) : undefined;
    const links = isRecord(res) ? collectLinks(doc, res.links) : [];
    out.push({
      status,
      ...(picked ? { contentType: picked.contentType, ...(schema !== undefined ? { schema } : {}) } : {}),
      ...(record ? { record } : {}),
      ...(links.length > 0 ? { links } : {}),
    });
  }
  return out.sort((a, b) => statusRank(a.status) - statusRank(b.status) || compareText(a.status, b.status));
}

/** Links that name their operation by operationId (an `operationRef` is not followed). */
function collectLinks(doc: unknown, links: unknown): LinkIr[] {
  if (!isRecord(links)) return [];
  const out: LinkIr[] = [];
  for (const name of Object.keys(links).sort(compareText)) {
    const link = resolveRecord(doc, links[name]);
    if (typeof link.operationId !== 'string') continue;
    const parameters = Object.create(null) as Record<string, string>;
    if (isRecord(link.parameters)) for (const [k, v] of Object.entries(link.parameters)) if (typeof v === 'string') parameters[k.replace(/^(path|query|header|cookie)\./, '')] = v;
    out.push({ name, operationId: link.operationId, parameters });
  }
  return out;
}

function statusRank(status: string): number {
  if (/^\d{3}$/.test(status)) return Number(status);
  if (/^[1-5]XX$/i.test(status)) return Number(status[0]) * 100 + 99.5;
  return 1000;
}

/** Missing or duplicate operationIds get a name from method + path, de-duplicated, with a warning. */
function assignOperationIds(ops: OperationIr[], warnings: string[]): void {
  const counts = new Map<string, number>();
  for (const op of ops) if (op.operationId) counts.set(op.operationId, (counts.get(op.operationId) ?? 0) + 1);
  const taken = new Set(ops.filter((op) => op.operationId && counts.get(op.operationId) === 1).map((op) => op.operationId));
  for (const op of ops) {
    if (op.operationId && counts.get(op.operationId) === 1) continue;
    const original = op.operationId;
    const base = deriveOperationId(op.method, op.path);
    let id = base;
    for (let i = 2; taken.has(id); i++) id = `${base}_${i}`;
    taken.add(id);
    op.operationId = id;
    op.operationIdNote = original ? `duplicate operationId ${JSON.stringify(original)}` : 'no operationId';
    warnings.push(`${op.method.toUpperCase()} ${op.path}: ${op.operationIdNote}; named ${id}`);
  }
}

function deriveOperationId(method: string, route: string): string {
  const words = route
    .split('/')
    .filter(Boolean)
    .map((seg) => (seg.startsWith('{') ? `By ${seg.slice(1, -1)}` : seg))
    .join(' ')
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean);
  return method + words.map((w) => w[0]!.toUpperCase() + w.slice(1)).join('');
}
