/**
 * Poll until an assertion holds, with a deadline: for what is eventual (a projection, a lock that
 * another session is waiting on). Never a fixed sleep: the first passing attempt returns at once,
 * and a timeout rethrows the last failure so the message says what was still wrong.
 */
export interface EventuallyOptions {
  timeoutMs?: number;
  intervalMs?: number;
}

export async function eventually<T>(fn: () => T | Promise<T>, { timeoutMs = 5_000, intervalMs = 25 }: EventuallyOptions = {}): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let attempts = 0;
  for (;;) {
    attempts += 1;
    try {
      return await fn();
    } catch (err) {
      if (Date.now() >= deadline) {
        const e = err instanceof Error ? err : new Error(String(err));
        e.message = `still failing after ${timeoutMs} ms (${attempts} attempts): ${e.message}`;
        throw e;
      }
    }
    await new Promise((r) => setTimeout(r, Math.min(intervalMs * Math.min(attempts, 8), Math.max(0, deadline - Date.now()))));
  }
}
