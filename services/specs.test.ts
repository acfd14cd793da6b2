import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';

/**
 * The reference platform's contracts: valid OpenAPI 3.1 documents by a validator library
 * (Redocly's recommended ruleset), and complete enough to be worth testing against.
 */
const OPENAPI_DIR = resolve(__dirname, '..', 'openapi');
const specFiles = readdirSync(OPENAPI_DIR)
  .filter((f) => f.endsWith('.yaml'))
  .sort();
const METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const;

type Json = Record<string, any>;
const load = (file: string): Json => parseYaml(readFileSync(join(OPENAPI_DIR, file), 'utf8')) as Json;
const operationsOf = (doc: Json) =>
  Object.entries(doc.paths as Json).flatMap(([path, item]) =>
    METHODS.filter((m) => item[m]).map((method) => ({ path, method, op: item[method] as Json, item: item as Json })),
  );

test('there are four service documents with at least 40 operations in all', () => {
  expect(specFiles).toEqual(['query.yaml', 'registry.yaml', 'risk.yaml', 'trading.yaml']);
  const total = specFiles.reduce((n, f) => n + operationsOf(load(f)).length, 0);
  expect(total).toBeGreaterThanOrEqual(40);
});

describe.each(specFiles)('%s', (file) => {
  test('is a valid OpenAPI 3.1 document with no lint errors', async () => {
    const { createConfig, lint } = await import('@redocly/openapi-core');
    // The reference services have no authentication (they listen on loopback in the sandbox),
    // so the rule that every operation declares security does not apply to them.
    const config = await createConfig({ extends: ['recommended'], rules: { 'security-defined': 'off' } });
    const problems = await lint({ ref: join(OPENAPI_DIR, file), config });
    const errors = problems
      .filter((p) => p.severity === 'error')
      .map((p) => `${p.location[0]?.pointer ?? ''}: ${p.message}`);
    expect(errors).toEqual([]);
    expect(load(file).openapi).toMatch(/^3\.1\.\d+$/);
  });

  test('every operation documents its errors with JSON schemas: 404 with a path id, 422 with input', () => {
    const missing: string[] = [];
    for (const { path, method, op, item } of operationsOf(load(file))) {
      if (path === '/health') continue;
      const responses = op.responses as Json;
      const params = [...(item.parameters ?? []), ...(op.parameters ?? [])] as Json[];
      const hasInput = Boolean(op.requestBody) || params.some((p) => p.in === 'query' || p.$ref) || path.includes('{');
      const want = [...(path.includes('{') ? ['404'] : []), ...(hasInput ? ['422'] : [])];
      for (const status of want) {
        const schema = responses[status]?.content?.['application/json']?.schema ?? responses[status]?.$ref;
        if (!schema) missing.push(`${method.toUpperCase()} ${path} lacks a JSON ${status}`);
      }
    }
    expect(missing).toEqual([]);
  });
});
