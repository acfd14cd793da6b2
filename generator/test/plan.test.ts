import { buildServiceIr } from '../ir/build-ir';
import type { LoadedSpec } from '../load/load-spec';
import { planOperationCases, type PlannedCase } from '../plan/plan-cases';
import { discoverSource, type Bindings } from '../plan/request-values';
import { buildRecordShape, pickIdField } from '../ir/record-shape';

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

describe('H1: a create body names its record by a key that must differ per create', () => {
  // `name` is also a path parameter elsewhere (`/tag-types/{name}`): before, that made it a "reference" and it stayed fixed.
  const schemas = {
    CreateContextField: { type: 'object', required: ['name'], properties: { name: { type: 'string', example: 'subscriptionTier' }, description: { type: 'string' } } },
    ContextField: { type: 'object', required: ['name'], properties: { name: { type: 'string' }, sortOrder: { type: 'integer' } } },
    CreateUser: { type: 'object', required: ['email', 'rootRole'], properties: { email: { type: 'string', format: 'email' }, rootRole: { type: 'string' } } },
    CreateCurrency: { type: 'object', required: ['code'], properties: { code: { type: 'string', example: 'EUR' } } },
    Currency: { type: 'object', properties: { code: { type: 'string' } } },
    CreateStrategy: { type: 'object', required: ['name'], properties: { name: { type: 'string', example: 'flexibleRollout' } } },
  };
  const ir = irOf(
    {
      '/context': { post: { requestBody: json(ref('CreateContextField')), responses: { '201': json(ref('ContextField')), '409': error } } },
      '/context/{contextField}': { parameters: [param('contextField')], put: { requestBody: json(ref('CreateContextField')), responses: { '200': { description: 'ok' }, '404': error } } },
      '/tag-types/{name}': { parameters: [param('name')], get: { responses: { '200': { description: 'ok' } } } },
      '/users': { post: { requestBody: json(ref('CreateUser')), responses: { '201': { description: 'c' } } } },
      '/currencies': { post: { requestBody: json(ref('CreateCurrency')), responses: { '201': json(ref('Currency')) } } },
      '/currencies/{currencyCode}': { parameters: [param('currencyCode')], delete: { responses: { '204': { description: 'd' } } } },
      '/rates/{code}': { parameters: [param('code')], get: { responses: { '200': { description: 'ok' } } } },
      '/feature-strategies': { post: { requestBody: json(ref('CreateStrategy')), responses: { '201': { description: 'c' } } } },
    },
    schemas,
  );

  test.each([
    ['the create ok case', 'post', '/context', (c: PlannedCase) => c.spec?.body?.unique, [{ pointer: '/name' }]],
    ['the create step of "a record it created"', 'put', '/context/{contextField}', (c: PlannedCase) => c.spec?.create?.body?.unique, [{ pointer: '/name' }]],
    ['an email stays an email', 'post', '/users', (c: PlannedCase) => c.spec?.body?.unique, [{ pointer: '/email', format: 'email' }, { pointer: '/rootRole' }]],
    ['the field that feeds the item path ({currencyCode} -> code), though `code` names a rate elsewhere', 'post', '/currencies', (c: PlannedCase) => c.spec?.body?.unique, [{ pointer: '/code' }]],
  ])('%s: unique strings', (_name, method, path, pick, want) => {
    const ok = casesOf(ir, method, path).find((c) => c.kind === 'ok')!;
    expect(ok.skipped).toBeUndefined();
    expect(pick(ok)).toEqual(want);
  });

  test('a key whose value the config binds elsewhere names a well-known record: it stays as it is', () => {
    const ok = casesOf(ir, 'post', '/feature-strategies', { strategyName: 'flexibleRollout' }).find((c) => c.kind === 'ok')!;
    expect(ok.spec?.body?.value).toEqual({ name: 'flexibleRollout' });
    expect(ok.spec?.body?.unique).toBeUndefined();
  });
});

describe('H2: a body or query violation on an item path is sent to a record the service knows', () => {
  const schemas = {
    Segment: { type: 'object', required: ['name'], properties: { id: { type: 'integer' }, name: { type: 'string', example: 'beta-users' } } },
  };
  const body = { requestBody: { required: true, ...json(ref('Segment')) } };
  const ir = irOf(
    {
      '/segments': { post: { ...body, responses: { '201': json(ref('Segment')), '400': error } } },
      '/segments/{id}': { parameters: [param('id', 'integer')], put: { ...body, responses: { '204': { description: 'ok' }, '400': error, '404': error } } },
      '/projects/{projectId}/archive': {
        parameters: [param('projectId')],
        post: { ...body, parameters: [{ name: 'force', in: 'query', schema: { type: 'boolean' } }], responses: { '200': { description: 'ok' }, '400': error, '404': error } },
      },
      '/orphans/{orphanId}': { parameters: [param('orphanId')], put: { ...body, responses: { '200': { description: 'ok' }, '400': error } } },
    },
    schemas,
  );

  test('an update: the record the success case creates first, not an unknown id', () => {
    const cases = casesOf(ir, 'put', '/segments/{id}');
    for (const phrase of ['missing a required field (name)', 'wrong type (name)']) {
      const c = caseNamed(cases, phrase);
      expect(c.spec?.params?.path).toEqual({ id: { created: { field: 'id' } } });
      expect(c.spec?.create).toMatchObject({ method: 'post', path: '/segments', expect: '201' });
    }
    expect(caseNamed(cases, 'wrong type (name)').spec?.body?.value).toEqual({ name: 12345 });
  });

  test('the malformed path id keeps its malformed value and creates nothing', () => {
    const c = caseNamed(casesOf(ir, 'put', '/segments/{id}'), 'malformed path id (id)');
    expect(c.spec?.params?.path).toEqual({ id: { value: 'not-a-number' } });
    expect(c.spec?.create).toBeUndefined();
  });

  test('no record can be created: a bound value serves, as for reads (a rejected request changes nothing)', () => {
    const cases = casesOf(ir, 'post', '/projects/{projectId}/archive', { projectId: 'default' });
    expect(caseNamed(cases, 'for a record it created').skipped).toMatch(/no POST \/projects/);
    expect(caseNamed(cases, 'wrong type (name)').spec?.params?.path).toEqual({ projectId: { value: 'default' } });
    expect(caseNamed(cases, 'out-of-contract query value (force)').spec?.params?.path).toEqual({ projectId: { value: 'default' } });
  });

  test('no value at all: skipped with the reason, never sent to an unknown id', () => {
    const c = caseNamed(casesOf(ir, 'put', '/orphans/{orphanId}'), 'wrong type (name)');
    expect(c.spec).toBeUndefined();
    expect(c.skipped).toMatch(/needs a record the service knows .*no POST \/orphans/);
  });
});

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
    expect(pickIdField(buildRecordShape({ components: { schemas: { Named: props('name') } } }, schema), paramName)).toBe(want);
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
