import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { normaliseNewlines } from '../emit/emit-service';
import { escapeLoneSurrogates, generateTypes, typesInputDocument } from '../emit/generate-types';
import { buildServiceIr } from '../ir/build-ir';
import { loadSpec } from '../load/load-spec';
import { FIXTURES, GOLDEN_FIXTURES } from './fixture-config';

/**
 * generateTypes runs openapi-typescript's transform with the context its `openapiTS()` entry
 * builds, skipping that entry's second Redocly lint and bundle. This holds the two equal, byte
 * for byte, on every document the generator's tests use: an openapi-typescript release whose
 * defaults or context differ fails here, not in a user's types.
 */
const CORPUS = resolve(__dirname, 'corpus-fixtures');
const OPENAPI = resolve(__dirname, '..', '..', 'openapi');
const SPECS = [
  ...GOLDEN_FIXTURES.map((name) => join(FIXTURES, name, 'spec.yaml')),
  ...readdirSync(CORPUS).filter((f) => /\.(json|ya?ml)$/.test(f)).sort().map((f) => join(CORPUS, f)),
  ...readdirSync(OPENAPI).filter((f) => f.endsWith('.yaml')).sort().map((f) => join(OPENAPI, f)),
];

test.each(SPECS.map((spec) => [spec.slice(resolve(__dirname, '..', '..').length + 1), spec]))('%s: the transform alone types it as openapiTS() does', async (_label, spec) => {
  const { default: openapiTS, astToString } = await import('openapi-typescript');
  const loaded = await loadSpec(spec);
  const document = typesInputDocument(loaded.document, buildServiceIr('svc', loaded).operations);
  const expected = escapeLoneSurrogates(normaliseNewlines(astToString(await openapiTS(structuredClone(document) as never, { alphabetize: true, silent: true }))));
  const ours = await generateTypes(document, 'spec', 'hash', spec);
  expect(ours.split('\n').slice(2).join('\n')).toBe(expected);
}, 60_000);
