import { isConnectionFailure, mapPgError } from './errors';

/**
 * Which errors mean "the database cannot be reached" (a 503, seed 004's database outage) and which
 * are the statement's own (a 4xx or a 500). The outage suite (services/trading/trading.outage.test.ts)
 * provokes the main ones for real; this table holds every form the runtime maps.
 *
 * Mutation tried: `code.startsWith('08')` removed -> the 08006 and 08001 rows fail; reverted.
 */
const pgError = (code: string, message = 'x') => Object.assign(new Error(message), { code });

test.each<[string, unknown, boolean]>([
  ['connection refused', Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }), true],
  ['connection reset', Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }), true],
  ['57P01 admin_shutdown (pg_terminate_backend)', pgError('57P01', 'terminating connection due to administrator command'), true],
  ['57P03 cannot_connect_now (starting up)', pgError('57P03', 'the database system is starting up'), true],
  ['08006 connection_failure', pgError('08006'), true],
  ['08001 unable to connect', pgError('08001'), true],
  ['53300 too many connections', pgError('53300', 'sorry, too many clients already'), true],
  ['ALLOW_CONNECTIONS false', pgError('55000', 'database "t_1" is not currently accepting connections'), true],
  ["the pool's connect timeout", new Error('timeout exceeded when trying to connect'), true],
  ['a session ended under a query', new Error('Connection terminated unexpectedly'), true],
  ['a unique violation', pgError('23505', 'duplicate key value'), false],
  ['a business rule (P0400)', pgError('P0400', 'over the limit'), false],
  ['another object-state error', pgError('55000', 'cannot do that now'), false],
  ['a plain bug', new TypeError('x is undefined'), false],
  ['not an error', 'ECONNREFUSED', false],
])('%s', (_name, err, unavailable) => {
  expect(isConnectionFailure(err)).toBe(unavailable);
  if (unavailable) expect(mapPgError(err)).toMatchObject({ status: 503, detail: expect.stringMatching(/^database unavailable: /) });
  else expect(mapPgError(err)?.status).not.toBe(503);
});
