import { escapeLoneSurrogates, pointerOfMessage } from '../emit/generate-types';
import { componentKind, hoistPathRefs, rewriteDiscriminatorMappings } from '../load/normalise-refs';
import { SpecError, parsePointer } from '../spec-error';

/** The load stage's rewrites for openapi-typescript (generator/load/normalise-refs.ts), given/want. */

const schemaAt = (schema: unknown, components: Record<string, unknown> = {}) => ({
  openapi: '3.0.3',
  info: { title: 't', version: '1' },
  paths: { '/a': { post: { requestBody: { content: { 'application/json': { schema } } }, responses: { '200': { description: 'ok' } } } } },
  components: { schemas: components },
});

describe('discriminator mappings by bare schema name', () => {
  test('a bare name of an existing schema becomes a ref; refs, unknown names and data stay', () => {
    const doc = schemaAt(
      { oneOf: [{ $ref: '#/components/schemas/Dog' }], discriminator: { propertyName: 'kind', mapping: { 'Good Dog': 'Dog', ref: '#/components/schemas/Dog', bird: 'Bird', gone: '#/components/schemas/Gone' } } },
      { Dog: { type: 'object', example: { discriminator: { mapping: { x: 'Dog' } } } } },
    );
    const warnings = rewriteDiscriminatorMappings(doc);
    const disc = (doc.paths['/a'].post.requestBody.content['application/json'].schema as { discriminator: { mapping: Record<string, string> } }).discriminator;
    expect(disc.mapping).toEqual({ 'Good Dog': '#/components/schemas/Dog', ref: '#/components/schemas/Dog', bird: 'Bird', gone: '#/components/schemas/Gone' });
    expect((doc.components.schemas.Dog as { example: unknown }).example).toEqual({ discriminator: { mapping: { x: 'Dog' } } });
    expect(warnings).toEqual([
      '/paths/~1a/post/requestBody/content/application~1json/schema/discriminator/mapping/bird: discriminator mapping "Bird" names no schema in components/schemas; left as it is',
      '/paths/~1a/post/requestBody/content/application~1json/schema/discriminator/mapping/gone: discriminator mapping "#/components/schemas/Gone" points at nothing; left as it is',
    ]);
  });

  test('a schema name that is not an own key (toString, __proto__ of a plain object) is not a schema', () => {
    const doc = schemaAt({ discriminator: { propertyName: 'k', mapping: { a: 'toString' } } });
    expect(rewriteDiscriminatorMappings(doc)).toHaveLength(1);
  });
});

describe('refs into paths or below a named component', () => {
  const table: [string, string, string | undefined][] = [
    ['a request body schema', '/paths/~1a/post/requestBody/content/application~1json/schema', 'schemas'],
    ['a property of it', '/paths/~1a/post/requestBody/content/application~1json/schema/properties/x/items', 'schemas'],
    ['an allOf member', '/paths/~1a/post/requestBody/content/application~1json/schema/allOf/0', 'schemas'],
    ['a parameter', '/paths/~1a/get/parameters/0', 'parameters'],
    ["a parameter's schema", '/paths/~1a/get/parameters/0/schema', 'schemas'],
    ['a request body', '/paths/~1a/post/requestBody', 'requestBodies'],
    ['a response', '/paths/~1a/get/responses/200', 'responses'],
    ['a path item (typed fine as it is)', '/paths/~1a', undefined],
    ['an operation', '/paths/~1a/get', undefined],
    ['an example value', '/paths/~1a/post/requestBody/content/application~1json/schema/example', undefined],
    ['a named schema', '/components/schemas/Order', undefined],
    ['a property of a named schema', '/components/schemas/Order/properties/item', 'schemas'],
    ["a named schema's example", '/components/schemas/Order/example', undefined],
    ['a named example value', '/components/examples/user/value', undefined],
    ['the schema of a named response', '/components/responses/R/content/application~1json/schema', 'schemas'],
  ];
  test.each(table)('%s: %s -> %s', (_name, pointer, want) => {
    expect(componentKind(parsePointer(pointer))).toBe(want);
  });

  test('a ref to a node that is only a $ref is short-circuited; nothing moves', () => {
    const doc = schemaAt({ type: 'object', properties: { circular: { $ref: '#/components/schemas/Offset' } } }, {
      Offset: { type: 'object' },
      Uses: { $ref: '#/paths/~1a/post/requestBody/content/application~1json/schema/properties/circular' },
    });
    expect(hoistPathRefs('f.json', doc)).toEqual([]);
    expect(doc.components.schemas.Uses).toEqual({ $ref: '#/components/schemas/Offset' });
  });

  test('a schema in a path moves to components; refs to it and into it follow; a recursive one stays recursive', () => {
    const doc = schemaAt(
      { type: 'object', properties: { item: { type: 'object', properties: { sku: { type: 'string' } } }, parent: { $ref: '#/paths/~1a/post/requestBody/content/application~1json/schema' } } },
      {
        Whole: { $ref: '#/paths/~1a/post/requestBody/content/application~1json/schema' },
        Sku: { $ref: '#/paths/~1a/post/requestBody/content/application~1json/schema/properties/item/properties/sku' },
      },
    );
    const warnings = hoistPathRefs('f.json', doc);
    const s = doc.components.schemas as Record<string, unknown>;
    expect(doc.paths['/a'].post.requestBody.content['application/json'].schema).toEqual({ $ref: '#/components/schemas/APostRequestBody' });
    expect(s.Whole).toEqual({ $ref: '#/components/schemas/APostRequestBody' });
    // only what a ref points at moves: `item` stays inline, its `sku` moves
    expect(s.APostRequestBody).toEqual({ type: 'object', properties: { item: { type: 'object', properties: { sku: { $ref: '#/components/schemas/APostRequestBodyItemSku' } } }, parent: { $ref: '#/components/schemas/APostRequestBody' } } });
    expect(s.Sku).toEqual({ $ref: '#/components/schemas/APostRequestBodyItemSku' });
    expect(s.APostRequestBodyItemSku).toEqual({ type: 'string' });
    expect(warnings).toHaveLength(2);
    // the same input gives the same names
    const again = schemaAt({ type: 'object', properties: { parent: { $ref: '#/paths/~1a/post/requestBody/content/application~1json/schema' } } }, { APostRequestBody: { type: 'string' } });
    hoistPathRefs('f.json', again);
    expect(Object.keys(again.components.schemas).sort()).toEqual(['APostRequestBody', 'APostRequestBody2']);
  });

  test('two refs that only point at each other are refused with the pointer, not looped over', () => {
    const doc = schemaAt({ $ref: '#/components/schemas/B' }, { B: { $ref: '#/paths/~1a/post/requestBody/content/application~1json/schema' }, C: { $ref: '#/components/schemas/B' } });
    // B -> path schema -> B: a cycle of refs with no schema in it
    (doc.components.schemas as Record<string, unknown>).D = { $ref: '#/paths/~1a/post/requestBody/content/application~1json/schema' };
    const err = (() => {
      try {
        hoistPathRefs('f.json', doc);
        return undefined;
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(SpecError);
    expect((err as SpecError).reason).toMatch(/refers to itself/);
  });
});

describe("openapi-typescript's error pointer", () => {
  test.each([
    ['a space in a segment', "Can't resolve $ref at #/paths/~1x/patch/discriminator/mapping/Option One", '/paths/~1x/patch/discriminator/mapping/Option One'],
    ['escaped and percent-encoded segments', "Can't resolve $ref at #/paths/~1a~0b/get/x%20y", '/paths/~1a~0b/get/x y'],
    ['a bad percent sequence kept', 'Bad at #/components/schemas/100%', '/components/schemas/100%'],
    ['no pointer', 'Unsupported OpenAPI version: 4.0', ''],
    ['"at" inside the message', 'Expected at least one at #/paths/~1a', '/paths/~1a'],
  ])('%s', (_name, message, want) => {
    expect(pointerOfMessage(message)).toBe(want);
  });
});

test('lone surrogates in openapi-typescript output are spelled \\uXXXX; pairs stay', () => {
  expect(escapeLoneSurrogates('/** a\ud800b \udc00 \ud83d\ude00 */')).toBe('/** a\\ud800b \\udc00 \ud83d\ude00 */');
  expect(Buffer.from(escapeLoneSurrogates('x\udfff'), 'utf8').toString('utf8')).toBe('x\\udfff');
});
