import { poll, type PollOptions } from '../../harness/runtime';

/**
 * Retry an assertion until it holds, with a deadline: the runtime's `poll`, accepting any value
 * `fn` returns without throwing (so a timeout reports the last assertion that failed).
 */
export type EventuallyOptions = Omit<PollOptions<unknown>, 'accept'>;

export function eventually<T>(fn: () => T | Promise<T>, options: EventuallyOptions = {}): Promise<T> {
  return poll(fn, { intervalMs: 25, ...options, accept: () => true });
}
