import { buildServiceIr } from '../ir/build-ir';
import type { LoadedSpec } from '../load/load-spec';
import { planResourceChains, type PlannedChain } from '../plan/plan-chains';
import { planOperationCases } from '../plan/plan-cases';
import type { ConfigExpectations } from '../plan/expectations';

/**
 * Chain planning found wrong on a real service (Unleash, docs/third-party.md "Chains", H6-H10):
 * each row is a small spec shaped like the Unleash route that showed it, and what a user would
 * notice in the generated chain.
 */
function irOf(paths: Record<string, unknown>, schemas: Record<string, unknown> = {}) {
  const spec: LoadedSpec = { file: 'x.yaml', document: { openapi: '3.0.3', info: { title: 't', version: '1' }, paths, components: { schemas } }, version: '3.0', versionString: '3.0.3', files: [] };
  return buildServiceIr('svc', spec);
}

const options = { service: 'svc', bindings: {}, hasEmptyInstance: true };
const json = (schema: unknown) => ({ description: 'r', content: { 'application/json': { schema } } });
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const param = (name: string) => ({ name, in: 'path', required: true, schema: { type: 'string' } });
const ok = { description: 'ok' };

function chainsOf(ir: ReturnType<typeof irOf>, collection: string, config?: ConfigExpectations): PlannedChain[] {
  const resource = ir.resources.find((r) => r.collection === collection);
  if (!resource) throw new Error(`no resource ${collection} among ${ir.resources.map((r) => r.collection).join(', ')}`);
  return planResourceChains(ir, resource, options, config);
}

function chainOf(chains: PlannedChain[], kind: PlannedChain['kind']): PlannedChain {
  const found = chains.find((c) => c.kind === kind);
  if (!found) throw new Error(`no ${kind} chain among ${chains.map((c) => c.name).join(' | ')}`);
  return found;
}

describe('H6: a GET on the item path that answers a list filtered by the parameter is not a read of one record', () => {
  // Unleash: GET /api-tokens/{name} answers {"tokens": [...]}; PUT and DELETE act on /api-tokens/{token}
  const schemas = {
    CreateToken: { type: 'object', required: ['tokenName'], properties: { tokenName: { type: 'string' }, type: { type: 'string' } } },
    Token: { type: 'object', required: ['secret', 'tokenName'], properties: { secret: { type: 'string' }, tokenName: { type: 'string' }, type: { type: 'string' } } },
    Tokens: { type: 'object', properties: { tokens: { type: 'array', items: ref('Token') } } },
    CreateTag: { type: 'object', required: ['value', 'type'], properties: { value: { type: 'string', example: 'a-tag' }, type: { type: 'string', example: 'simple' } } },
    Tags: { type: 'object', properties: { version: { type: 'integer' }, tags: { type: 'array', items: ref('CreateTag') } } },
  };
  const ir = irOf(
    {
      '/api-tokens': { get: { responses: { '200': json(ref('Tokens')) } }, post: { requestBody: json(ref('CreateToken')), responses: { '201': json(ref('Token')) } } },
      '/api-tokens/{name}': { parameters: [param('name')], get: { responses: { '200': json(ref('Tokens')) } } },
      '/api-tokens/{token}': { parameters: [param('token')], delete: { responses: { '200': ok } }, put: { requestBody: json({ type: 'object', properties: { expiresAt: { type: 'string', format: 'date-time' } } }), responses: { '200': ok } } },
      '/tags': { get: { responses: { '200': json(ref('Tags')) } }, post: { requestBody: json(ref('CreateTag')), responses: { '201': json(ref('CreateTag')) } } },
      '/tags/{type}': { parameters: [param('type')], get: { responses: { '200': json(ref('Tags')) } } },
    },
    schemas,
  );

  test('the resource has no read, and its item path is the one PUT and DELETE act on', () => {
    const tokens = ir.resources.find((r) => r.collection === '/api-tokens')!;
    expect(tokens.read).toBeUndefined();
    expect({ itemParam: tokens.itemParam, idField: tokens.idField, delete: tokens.delete?.path }).toEqual({ itemParam: 'token', idField: 'secret', delete: '/api-tokens/{token}' });
  });

  test('create-read is skipped with its reason; delete-read deletes by the secret and looks in the list', () => {
    const chains = chainsOf(ir, '/api-tokens');
    expect(chainOf(chains, 'create-read').skipped).toBe('no GET /api-tokens/{id} reads one record back');
    expect(chainOf(chains, 'update-read').skipped).toBe('no GET /api-tokens/{id} reads one record back');
    const del = chainOf(chains, 'delete-read').spec!;
    expect(del.steps.map((s) => `${s.name} ${s.method} ${s.path}`)).toEqual(['create post /api-tokens', 'delete delete /api-tokens/{token}', 'list get /api-tokens']);
    expect(del.steps[1]!.params?.path).toEqual({ token: { step: { name: 'create', field: 'secret' } } });
    expect(del.steps[2]!.list).toEqual({ listProperty: 'tokens', field: 'secret' });
  });

  test('a create body field named like that parameter refers to another record: it stays as sampled', () => {
    // before: `type` fed `/tags/{type}`, so it was made unique ("simple-x1"), and Unleash answered 500 (no such tag type)
    const create = planOperationCases(ir, ir.operations.find((o) => o.method === 'post' && o.path === '/tags')!, options).find((c) => c.kind === 'ok')!;
    expect(create.spec?.body?.value).toEqual({ value: 'a-tag', type: 'simple' });
    expect(create.spec?.body?.unique).toEqual([{ pointer: '/value' }]);
  });
});

describe('H7: a create whose response has no field that names the record: nothing to find it by', () => {
  // Unleash: POST /frontend answers {"toggles": [...]}, the flags evaluated for a context; POST /tags answers {"version": 1, "tag": {...}}
  const ir = irOf({
    '/frontend': {
      get: { responses: { '200': json({ type: 'object', properties: { toggles: { type: 'array', items: { type: 'object', properties: { name: { type: 'string' } } } } } }) } },
      post: { requestBody: json({ type: 'object', properties: { context: { type: 'object' } } }), responses: { '200': json({ type: 'object', properties: { toggles: { type: 'array', items: { type: 'object' } } } }) } },
    },
    '/notes': {
      get: { responses: { '200': json({ type: 'array', items: { type: 'object', properties: { id: { type: 'integer' } } } }) } },
      post: { requestBody: json({ type: 'object', properties: { text: { type: 'string' } } }), responses: { '201': { description: 'no body documented' } } },
    },
  });

  test('every chain of it is skipped, saying which fields the response has', () => {
    const chains = chainsOf(ir, '/frontend');
    expect(chains.map((c) => c.skipped)).toEqual(chains.map(() => 'the 200 response of POST /frontend has no field that names the created record (no id among toggles): nothing to find it by'));
  });

  test('a response with no documented body still runs: the spec does not say it lacks the field', () => {
    expect(chainOf(chainsOf(ir, '/notes'), 'create-list').skipped).toBeUndefined();
  });
});

describe('H8: a PUT that shares no field with the create changes one of its own', () => {
  // Unleash: a tag type is created by name only, and updated by description, icon, color
  const schemas = {
    TagType: { type: 'object', required: ['name'], properties: { name: { type: 'string' }, description: { type: 'string' }, icon: { type: 'string', nullable: true } } },
    UpdateTagType: { type: 'object', properties: { description: { type: 'string' }, icon: { type: 'string' } } },
  };
  const paths = (update: string) => ({
    '/tag-types': { post: { requestBody: json(ref('TagType')), responses: { '201': json(ref('TagType')) } } },
    '/tag-types/{name}': { parameters: [param('name')], get: { responses: { '200': json(ref('TagType')) } }, put: { requestBody: json(ref(update)), responses: { '200': ok } } },
  });

  test('the update sends a changed description and the read after it is compared', () => {
    const update = chainOf(chainsOf(irOf(paths('UpdateTagType'), schemas), '/tag-types'), 'update-read');
    expect(update.skipped).toBeUndefined();
    expect(update.spec!.steps.find((s) => s.name === 'update')!.body?.value).toEqual({ description: 'updated' });
    expect(update.spec!.compare.map((f) => f.name)).toContain('description');
  });

  test('a change no read shows is skipped, never a chain that cannot fail', () => {
    const hidden = { ...schemas, Hidden: { type: 'object', properties: { colour: { type: 'string' } } } };
    expect(chainOf(chainsOf(irOf(paths('Hidden'), hidden), '/tag-types'), 'update-read').skipped).toBe('no field PUT /tag-types/{name} sends comes back in GET /tag-types/{name}: nothing shows the change');
  });
});

describe('H9: a read-after-delete status the config sets says where it came from', () => {
  // Unleash: GET /context/{contextField} documents no 404, yet answers 404 for a field that is gone
  const field = { type: 'object', required: ['name'], properties: { name: { type: 'string' } } };
  const ir = irOf({
    '/context': { post: { requestBody: json(field), responses: { '201': json(field) } } },
    '/context/{contextField}': { parameters: [param('contextField')], get: { responses: { '200': json(field) } }, delete: { responses: { '200': ok } } },
  });

  test('without an entry the chain is skipped; with one the step expects its status, by that entry', () => {
    expect(chainOf(chainsOf(ir, '/context'), 'delete-read').skipped).toMatch(/documents no 404 for a record that is gone/);
    const config: ConfigExpectations = { entries: { 'GET /context/{contextField}': { 'not-found': '404', reason: 'answers 404' } }, origin: 'h.json services[0].expect' };
    const step = chainOf(chainsOf(ir, '/context', config), 'delete-read').spec!.steps.find((s) => s.name === 'read-after-delete')!;
    expect({ expect: step.expect, expectedBy: step.expectedBy }).toEqual({ expect: '404', expectedBy: 'config h.json services[0].expect["GET /context/{contextField}"]["not-found"]: answers 404' });
  });
});

describe('H10: a child whose parent cannot be created goes under a known parent, as the baseline create does', () => {
  // Unleash OSS: features live in projects, and only the enterprise edition has POST /api/admin/projects
  const feature = { type: 'object', required: ['name'], properties: { name: { type: 'string' }, description: { type: 'string' } } };
  const ir = irOf({
    '/projects/{projectId}/features': {
      parameters: [param('projectId')],
      get: { responses: { '200': json({ type: 'object', properties: { features: { type: 'array', items: feature } } }) } },
      post: { requestBody: json(feature), responses: { '200': json(feature) } },
    },
    '/projects/{projectId}/features/{featureName}': { parameters: [param('projectId'), param('featureName')], get: { responses: { '200': json(feature), '404': { description: 'gone' } } }, delete: { responses: { '200': ok } } },
  });
  const chains = (bindings: Record<string, string>) => planResourceChains(ir, ir.resources.find((r) => r.collection === '/projects/{projectId}/features')!, { ...options, bindings });

  test('bound: the chain creates its own feature in that project and reads it there', () => {
    const read = chainOf(chains({ projectId: 'default' }), 'create-read').spec!;
    expect(read.steps.map((s) => [s.name, s.params?.path])).toEqual([
      ['create', { projectId: { value: 'default' } }],
      ['read', { projectId: { value: 'default' }, featureName: { step: { name: 'create', field: 'name' } } }],
    ]);
    expect(chainOf(chains({ projectId: 'default' }), 'delete-read').skipped).toBeUndefined();
  });

  test('a child listed under its parent and no other needs two parents of its own: still skipped', () => {
    expect(chainOf(chains({ projectId: 'default' }), 'nested-list').skipped).toMatch(/^cannot create a parent of its own: no POST \/projects/);
  });

  test('no known parent either: skipped, saying both', () => {
    expect(chainOf(chains({}), 'create-read').skipped).toMatch(/^cannot create a parent of its own: .*; nor a known one: no value for path parameter "projectId"/);
  });
});
