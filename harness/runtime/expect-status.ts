import type { ResponseLike } from './check-response';
import { definedService } from './define-service';
import { exchanges } from './record-calls';

/**
 * For hand-written tests: check a typed client's response against its service's contract and
 * hand back the typed body, e.g. `const note = ok(await notes.seeded.POST('/notes', { body }), 201)`.
 * A failure throws the contract check's message: service, operation, expected and actual status,
 * each schema violation, a body excerpt and a curl line.
 */

interface Result<D, E> extends ResponseLike {
  data?: D;
  error?: E;
}

function check(result: ResponseLike, status: number | string): void {
  const exchange = exchanges.get(result.response);
  const handle = exchange ? definedService(exchange.service) : undefined;
  if (!exchange || !handle) {
    throw new Error(`ok()/fails() check responses of a generated client (generated/<service>/client.ts); this one (status ${result.response.status}, ${result.response.url}) came from elsewhere`);
  }
  handle.expect(result, status);
}

/** A success: exactly `status` when given, else any documented 2xx; returns the typed body. */
export function ok<D, E>(result: Result<D, E>, status: number | string = '2XX'): D {
  check(result, status);
  return result.data as D;
}

/** An error response with exactly this status, documented and valid; returns its typed error body. */
export function fails<D, E>(result: Result<D, E>, status: number | string): E {
  check(result, status);
  if (result.error === undefined) throw new Error(`expected an error body with status ${status}, got none (status ${result.response.status})`);
  return result.error;
}
