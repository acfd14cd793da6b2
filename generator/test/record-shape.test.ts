import { buildListShape, buildRecordShape } from '../ir/record-shape';

const doc = {
  components: {
    schemas: {
      Base: { type: 'object', required: ['id'], properties: { id: { type: 'string', readOnly: true } } },
      Thing: { allOf: [{ $ref: '#/components/schemas/Base' }, { type: 'object', required: ['name'], properties: { name: { type: 'string' }, secret: { type: 'string', writeOnly: true } } }] },
    },
  },
};
const json = (schema: unknown) => ({ status: '200', contentType: 'application/json', schema });

/** given a schema, want the record the planners read: names, readOnly/writeOnly, what a request must send. */
const records: [string, { given: unknown; want: unknown }][] = [
  ['no properties', { given: { type: 'object' }, want: undefined }],
  [
    'allOf merged, readOnly not required of a request',
    { given: { $ref: '#/components/schemas/Thing' }, want: { names: ['id', 'name', 'secret'], required: ['name'], flags: [['id', true, false], ['name', false, false], ['secret', false, true]] } },
  ],
];

test.each(records)('record shape: %s', (_n, { given, want }) => {
  const shape = buildRecordShape(doc, given);
  const got = shape && { names: shape.names, required: shape.required, flags: shape.properties.map((p) => [p.name, p.readOnly, p.writeOnly]) };
  expect(got).toEqual(want);
});

/** given a 2xx body, want where its records are. */
const lists: [string, { given: unknown; want: unknown }][] = [
  ['a plain array', { given: { type: 'array', items: { $ref: '#/components/schemas/Thing' } }, want: { listProperty: undefined, names: ['id', 'name', 'secret'] } }],
  ['wrapped in one array property', { given: { type: 'object', properties: { total: { type: 'integer' }, things: { type: 'array', items: { $ref: '#/components/schemas/Base' } } } }, want: { listProperty: 'things', names: ['id'] } }],
  ['two array properties: not a list', { given: { type: 'object', properties: { a: { type: 'array' }, b: { type: 'array' } } }, want: undefined }],
  ['a record', { given: { $ref: '#/components/schemas/Thing' }, want: undefined }],
];

test.each(lists)('list shape: %s', (_n, { given, want }) => {
  const shape = buildListShape(doc, [json(given)]);
  expect(shape && { listProperty: shape.listProperty, names: shape.record?.names }).toEqual(want);
});
