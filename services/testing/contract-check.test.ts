import { COMPANY_AAPL } from '../../seed/ids';
import { contractCheckFor } from './contract-check';

const registry = contractCheckFor('registry');
const company = { id: COMPANY_AAPL, ticker: 'AAPL', name: 'Apple Inc.', sector: 'Technology', exchange: 'NASDAQ', isActive: true, createdAt: '2026-01-05T14:30:00.000Z' };

test.each([
  ['a conforming body', 'getCompany', { status: 200, body: company, contentType: 'application/json' }, []],
  ['an undocumented status', 'getCompany', { status: 418, body: {} }, ['getCompany does not document status 418']],
  ['a missing required field', 'getCompany', { status: 200, body: { ...company, ticker: undefined } }, [expect.stringContaining("must have required property 'ticker'")]],
  ['a wrong type', 'getCompany', { status: 200, body: { ...company, isActive: 'yes' } }, ['/isActive must be boolean']],
  ['an HTML error page', 'getCompany', { status: 404, body: '<html>', contentType: 'text/html' }, ['content-type text/html, expected application/json']],
  ['a body on a 204', 'deleteCompany', { status: 204, body: { ok: true } }, ['documented without a body, got {"ok":true}']],
  ['no body on a 204', 'deleteCompany', { status: 204, body: '' }, []],
])('%s', (_name, operationId, reply, want) => {
  expect(registry.problems(operationId, reply)).toEqual(want);
});

test('finds the operation by method and concrete path, literal routes first', () => {
  expect(registry.problems({ method: 'GET', path: `/companies/${COMPANY_AAPL}?x=1` }, { status: 200, body: company })).toEqual([]);
  expect(registry.problems({ method: 'GET', path: '/nowhere' }, { status: 200, body: {} })).toEqual(['no documented operation for GET /nowhere']);
  expect(() => registry.expect('getCompany', { status: 500, body: {} })).toThrow(/getCompany -> 500 breaks the contract/);
});
