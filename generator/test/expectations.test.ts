import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig } from '../../harness/config';
import { buildServiceIr } from '../ir/build-ir';
import type { LoadedSpec } from '../load/load-spec';
import { expectationFor, type ConfigExpectations } from '../plan/expectations';
import { planService } from '../plan/plan-service';
import type { Expectation } from '../../harness/config-types';

/**
 * Config `expect` entries (issue 6, "no false positives"): where a service's conventions differ
 * from its spec, the config says what to expect, the generated case expects it, and the manifest
 * says where the expectation came from.
 */
const json = (schema: unknown) => ({ content: { 'application/json': { schema } } });
const idParam = { name: 'id', in: 'path', required: true, schema: { type: 'integer' } };
const spec: LoadedSpec = {
  file: 'x.yaml',
  version: '3.1',
  versionString: '3.1.0',
  files: [],
  document: {
    openapi: '3.1.0',
    info: { title: 't', version: '1' },
    paths: {
      '/tags': {
        get: { operationId: 'listTags', responses: { '200': json({ type: 'array', items: { type: 'object', properties: { id: { type: 'integer' } } } }) } },
        post: {
          operationId: 'createTag',
          requestBody: { required: true, ...json({ type: 'object', required: ['name'], properties: { name: { type: 'string' } } }) },
          responses: { '201': json({ type: 'object', properties: { id: { type: 'integer' } } }), '422': { description: 'invalid' } },
        },
      },
      '/tags/{id}': { parameters: [idParam], get: { operationId: 'getTag', responses: { '200': json({ type: 'object' }) } } },
      '/me': { get: { operationId: 'getMe', responses: { '200': json({ type: 'object' }) } } },
    },
  },
};

function plan(entries: Record<string, Expectation>) {
  const ir = buildServiceIr('svc', spec);
  const expectations: ConfigExpectations = { entries, origin: 'harness.config.json services[0].expect' };
  return planService(ir, { service: 'svc', bindings: { id: 1 }, hasEmptyInstance: false, specLabel: 'x.yaml', expectations });
}

const casesOf = (p: ReturnType<typeof plan>, operationId: string) => p.manifest.operations.find((o) => o.operationId === operationId)!.cases;
const specOf = (p: ReturnType<typeof plan>, name: string) => p.testFiles.flatMap((f) => f.tests).find((t) => t.name === name)?.spec;

test('without entries the spec decides: 422 for invalid input, no not-found case where 404 is undocumented', () => {
  const p = plan({});
  expect(new Set(casesOf(p, 'createTag').filter((c) => c.kind === 'invalid').map((c) => c.status))).toEqual(new Set(['422']));
  expect(casesOf(p, 'getTag').map((c) => c.kind)).toEqual(['ok']);
  expect(JSON.stringify(p.manifest)).not.toContain('override');
});

test('"*": invalid 400 changes every invalid case, and the manifest and the case say where it came from', () => {
  const p = plan({ '*': { invalid: '400', reason: 'the framework answers 400' } });
  const invalid = casesOf(p, 'createTag').filter((c) => c.kind === 'invalid');
  expect(invalid.length).toBeGreaterThan(0);
  for (const c of invalid) {
    expect(c.status).toBe('400');
    expect(c.name).toMatch(/^svc POST \/tags returns 400 for /);
    expect(c.override).toEqual({ by: 'harness.config.json services[0].expect["*"].invalid', reason: 'the framework answers 400' });
    expect(specOf(p, c.name)).toMatchObject({ expect: '400', expectedBy: 'config harness.config.json services[0].expect["*"].invalid: the framework answers 400' });
  }
  // an operation with a path parameter but no documented 422 gets the malformed-id case too, expecting 400
  expect(casesOf(p, 'getTag').filter((c) => c.kind === 'invalid').map((c) => [c.status, c.name])).toEqual([['400', 'svc GET /tags/{id} returns 400 for a malformed path id (id)']]);
});

test('not-found on an operation without a documented 404 generates the case, expecting what the config says', () => {
  const p = plan({ getTag: { 'not-found': '404' } });
  const nf = casesOf(p, 'getTag').find((c) => c.kind === 'not-found');
  expect(nf).toMatchObject({ status: '404', name: 'svc GET /tags/{id} returns 404 for an unknown id', override: { by: 'harness.config.json services[0].expect["getTag"]["not-found"]' } });
  expect(specOf(p, nf!.name)).toMatchObject({ expect: '404', params: { path: { id: { value: 2147483000 } } } });
});

test('skip by "METHOD /path" skips every case of that operation with the reason; an operation entry wins over "*"', () => {
  const p = plan({ '*': { ok: '401' }, 'GET /me': { skip: 'needs a logged-in user' }, listTags: { ok: '200' } });
  for (const c of casesOf(p, 'getMe')) expect(c.skipped).toBe('config harness.config.json services[0].expect["GET /me"].skip: needs a logged-in user');
  expect(casesOf(p, 'listTags').find((c) => c.kind === 'ok')).toMatchObject({ status: '200', override: { by: 'harness.config.json services[0].expect["listTags"].ok' } });
  expect(casesOf(p, 'createTag').find((c) => c.kind === 'ok')).toMatchObject({ status: '401', override: { by: 'harness.config.json services[0].expect["*"].ok' } });
});

test('"empty-list": "skip" skips only the empty-list case of a list that even an empty database fills, with its reason', () => {
  const ir = buildServiceIr('svc', spec);
  const expectations: ConfigExpectations = { entries: { listTags: { 'empty-list': 'skip', reason: 'built-in tags exist in every database' } }, origin: 'harness.config.json services[0].expect' };
  const p = planService(ir, { service: 'svc', bindings: { id: 1 }, hasEmptyInstance: true, specLabel: 'x.yaml', expectations });
  const cases = casesOf(p, 'listTags');
  expect(cases.find((c) => c.kind === 'empty-list')).toMatchObject({
    skipped: 'config harness.config.json services[0].expect["listTags"]["empty-list"]: built-in tags exist in every database',
    override: { by: 'harness.config.json services[0].expect["listTags"]["empty-list"]', reason: 'built-in tags exist in every database' },
  });
  expect(cases.find((c) => c.kind === 'ok')).not.toHaveProperty('skipped');
  expect(cases.find((c) => c.kind === 'ok')).not.toHaveProperty('override');
});

test('an entry that names no operation is a warning, not silence', () => {
  expect(plan({ getTags: { ok: '200' } }).warnings).toContain('config harness.config.json services[0].expect: "getTags" names no operation of the spec (use an operationId, "METHOD /path" or "*")');
  expect(expectationFor(undefined, buildServiceIr('svc', spec).operations[0]!)).toBeUndefined();
});

describe('the config file', () => {
  const write = (expectEntries: unknown) => {
    const dir = mkdtempSync(join(tmpdir(), 'expect-config-'));
    const file = join(dir, 'harness.config.json');
    writeFileSync(file, JSON.stringify({ sandbox: false, services: [{ name: 'svc', spec: 'x.yaml', baseUrl: 'http://127.0.0.1:1', expect: expectEntries }] }));
    return file;
  };

  test('accepts the documented shape', () => {
    expect(loadConfig(write({ '*': { invalid: '400' }, 'POST /x': { ok: '401', reason: 'r' }, getX: { skip: 'why' } })).services[0]!.expect).toEqual({
      '*': { invalid: '400' },
      'POST /x': { ok: '401', reason: 'r' },
      getX: { skip: 'why' },
    });
  });

  test.each([
    [{ getX: { ok: '500' } }, '/services/0/expect/getX/ok', /must match pattern/],
    [{ getX: { invalid: 400 } }, '/services/0/expect/getX/invalid', /must be string/],
    [{ getX: { status: '400' } }, '/services/0/expect/getX', /additional properties \(status\)/],
    [{ getX: {} }, '/services/0/expect/getX', /fewer than 1/],
  ])('refuses %j, naming the pointer', (entries, pointer, message) => {
    const file = write(entries);
    let error: unknown;
    try {
      loadConfig(file);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).pointer).toBe(pointer);
    expect((error as Error).message).toMatch(message);
  });
});
