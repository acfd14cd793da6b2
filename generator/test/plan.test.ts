import { buildServiceIr } from '../ir/build-ir';
import type { LoadedSpec } from '../load/load-spec';
import { planOperationCases, type PlannedCase } from '../plan/plan-cases';
import { discoverSource, pickIdField, type Bindings } from '../plan/request-values';

/**
 * Planning decisions found wrong on a real service (Unleash, docs/third-party.md "Harness
 * mistakes"): each table row is a small spec, the case planned for it, and the value a user would
 * notice in the generated test.
 */
function irOf(paths: Record<string, unknown>, schemas: Record<string, unknown> = {}) {
  const spec: LoadedSpec = { file: 'x.yaml', document: { openapi: '3.1.0', info: { title: 't', version: '1' }, paths, components: { schemas } }, version: '3.1', versionString: '3.1.0', files: [] };
  return buildServiceIr('svc', spec);
}

function casesOf(ir: ReturnType<typeof irOf>, method: string, path: string, bindings: Bindings = {}): PlannedCase[] {
  const op = ir.operations.find((o) => o.method === method && o.path === path);
  if (!op) throw new Error(`no ${method} ${path}`);
  return planOperationCases(ir, op, { service: 'svc', bindings, hasEmptyInstance: true });
}

function caseNamed(cases: PlannedCase[], phrase: string): PlannedCase {
  const found = cases.find((c) => c.name.includes(phrase));
  if (!found) throw new Error(`no case "${phrase}" in ${cases.map((c) => c.name).join(' | ')}`);
  return found;
}

const json = (schema: unknown) => ({ content: { 'application/json': { schema } } });
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const param = (name: string, type = 'string') => ({ name, in: 'path', required: true, schema: { type } });
const error = { description: 'e' };

describe('H3: the field of a record that feeds a path parameter', () => {
  const props = (...names: string[]) => ({ type: 'object', properties: Object.fromEntries(names.map((n) => [n, { type: 'string' }])) });
  test.each([
    ['strategyName -> name', props('name', 'displayName'), 'strategyName', 'name'],
    ['projectId -> id', props('id', 'name'), 'projectId', 'id'],
    ['featureKey -> key', props('key', 'title'), 'featureKey', 'key'],
    ['the exact name first', props('id', 'companyId'), 'companyId', 'companyId'],
    ['an API token {token} -> secret', props('secret', 'tokenName', 'type'), 'token', 'secret'],
    ['a {token} that is a property', props('token', 'secret'), 'token', 'token'],
    ['{name} of a token -> tokenName', props('secret', 'tokenName'), 'name', 'tokenName'],
    ['{contextField} of a record keyed by name', props('name', 'sortOrder'), 'contextField', 'name'],
    ['snake_case', props('order_id'), 'orderId', 'order_id'],
    ['allOf parts count', { allOf: [props('createdAt'), { $ref: '#/components/schemas/Named' }] }, 'strategyName', 'name'],
    ['no properties at all: id', { type: 'object' }, 'strategyName', 'id'],
  ])('%s', (_name, schema, paramName, want) => {
    expect(pickIdField({ components: { schemas: { Named: props('name') } } }, schema, paramName)).toBe(want);
  });

  test('the created source of a "record it created" case uses it', () => {
    const ir = irOf({
      '/strategies': { post: { requestBody: json(props('name')), responses: { '201': json({ ...props('name', 'displayName'), required: ['name'] }) } } },
      '/strategies/{strategyName}': { parameters: [param('strategyName')], delete: { responses: { '200': { description: 'ok' } } } },
    });
    const ok = casesOf(ir, 'delete', '/strategies/{strategyName}').find((c) => c.kind === 'ok')!;
    expect(ok.spec?.params?.path).toEqual({ strategyName: { created: { field: 'name' } } });
  });
});

describe('wrapped lists: {"version": 1, "projects": [...]}', () => {
  const project = { type: 'object', properties: { id: { type: 'string' }, name: { type: 'string' } } };
  const ir = irOf(
    {
      '/projects': {
        get: { responses: { '200': json({ type: 'object', properties: { version: { type: 'integer' }, projects: { type: 'array', items: ref('Project') } } }) } },
        post: { requestBody: json(ref('Project')), responses: { '200': json(ref('Project')) } },
      },
      '/projects/{projectId}': { parameters: [param('projectId')], get: { responses: { '200': json(ref('Project')), '404': error } } },
      '/addons': { get: { responses: { '200': json({ allOf: [{ type: 'object', properties: { addons: { type: 'array', items: project } } }, { type: 'object', properties: { providers: { type: 'array', items: project } } }] }) } } },
      '/addons/{addonId}': { parameters: [param('addonId')], get: { responses: { '200': json(project) } } },
      '/tags': { get: { responses: { '200': json({ type: 'array', items: project }) } } },
    },
    { Project: project },
  );

  test('discovery reads the one array property, and its items schema picks the field', () => {
    expect(discoverSource(ir, '/projects/{projectId}', 'projectId')).toEqual({ ok: true, value: { discover: { path: '/projects', field: 'id', listProperty: 'projects' } } });
    const read = casesOf(ir, 'get', '/projects/{projectId}').find((c) => c.kind === 'ok')!;
    expect(read.spec?.params?.path).toEqual({ projectId: { discover: { path: '/projects', field: 'id', listProperty: 'projects' } } });
  });

  test('two array properties (allOf merged): not a list, nothing discovered', () => {
    expect(discoverSource(ir, '/addons/{addonId}', 'addonId')).toMatchObject({ ok: false });
  });

  test('a POST beside a wrapped list creates; only a real array list gets an empty-list case', () => {
    expect(ir.operations.find((o) => o.method === 'post' && o.path === '/projects')?.role).toBe('create');
    expect(casesOf(ir, 'get', '/projects').map((c) => c.kind)).not.toContain('empty-list');
    expect(casesOf(ir, 'get', '/tags').map((c) => c.kind)).toContain('empty-list');
  });
});
