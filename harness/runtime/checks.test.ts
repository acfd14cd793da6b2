import type { LoadedContract } from './contract';
import { RESPONSE_CHECKS, PARSE_FAILED, type CheckInput, type CheckName } from './checks';

const op = {
  operationId: 'getItem',
  method: 'get',
  path: '/items/{id}',
  responses: { '200': { contentType: 'application/json', schema: { type: 'object', required: ['id'] } }, '404': {} },
};
const contract = {
  service: 'shop',
  validator: () => Object.assign((body: unknown) => Array.isArray(body) || (typeof body === 'object' && body !== null && 'id' in body), { errors: [{ instancePath: '', schemaPath: '#/required', keyword: 'required', message: "must have required property 'id'", params: {} }] }),
} as unknown as LoadedContract;

const ok: CheckInput = { contract, op, status: 200, expected: '200', expectedText: '200', contentType: 'application/json', bodyText: '{"id":1}', body: { id: 1 } };

/** given one response, want the names of the checks that fail it (in reading order). */
const table: [string, { given: Partial<CheckInput>; want: CheckName[] }][] = [
  ['a valid response', { given: {}, want: [] }],
  ['another status', { given: { status: 404, bodyText: '', body: undefined }, want: ['status'] }],
  ['a 5xx that was expected is still a failure', { given: { status: 500, expected: '500', expectedText: '500', bodyText: '', body: undefined }, want: ['status', 'documented-status'] }],
  ['a documented 5xx expected while a fault suite has a fault active', { given: { status: 503, expected: '503', expectedText: '503', fault: 'risk stopped', op: { ...op, responses: { ...op.responses, '503': {} } }, bodyText: '', body: undefined }, want: [] }],
  ['a 5xx under a fault that the test did not expect', { given: { status: 503, fault: 'risk stopped', bodyText: '', body: undefined }, want: ['status', 'status', 'documented-status'] }],
  ['an undocumented 5xx expected under a fault', { given: { status: 500, expected: '500', expectedText: '500', fault: 'database refused', bodyText: '', body: undefined }, want: ['documented-status'] }],
  ['an undocumented status the config expects', { given: { status: 410, expected: '410', expectedText: '410', expectedBy: 'config x', bodyText: '', body: undefined }, want: [] }],
  ['a range matches', { given: { expected: '2XX' }, want: [] }],
  ['an HTML page', { given: { contentType: 'text/html', bodyText: '<!doctype html>', body: PARSE_FAILED }, want: ['content-type', 'content-type'] }],
  ['a documented body missing', { given: { bodyText: '', body: undefined }, want: ['content-type'] }],
  ['not JSON', { given: { bodyText: '{', body: PARSE_FAILED }, want: ['schema'] }],
  ['a schema violation', { given: { bodyText: '{}', body: {} }, want: ['schema'] }],
  ['not empty on the empty instance', { given: { emptyArray: true }, want: ['empty-list'] }],
  ['empty on the empty instance', { given: { emptyArray: true, bodyText: '[]', body: [] }, want: [] }],
];

test.each(table)('checks: %s', (_name, { given, want }) => {
  const input = { ...ok, ...given };
  expect(RESPONSE_CHECKS.flatMap((c) => c(input)).map((f) => f.check)).toEqual(want);
});

test('a schema failure carries the instance pointer and a readable message', () => {
  const [failure] = RESPONSE_CHECKS.flatMap((c) => c({ ...ok, bodyText: '{}', body: {} }));
  expect(failure).toEqual({ check: 'schema', pointer: '/', message: "body / must have required property 'id' [schema #/required]" });
});
