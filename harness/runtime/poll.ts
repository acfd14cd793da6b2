/**
 * Poll with a deadline, for what is eventual (a projection, a queue, a row another session
 * writes): never a fixed sleep. Returns the first value `accept` takes (default: any truthy
 * value); a throw counts as a value not yet accepted. At the deadline it throws, naming the last
 * value or error seen, so the message says what was still wrong.
 */
export interface PollOptions<T> {
  /** Default 5000. */
  timeoutMs?: number;
  /** Pause between attempts. Default 50. */
  intervalMs?: number;
  /** Default: a truthy value. */
  accept?: (value: T) => boolean;
}

const excerpt = (value: unknown): string => {
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > 300 ? `${text.slice(0, 300)}...` : text;
};

export async function poll<T>(fn: () => T | Promise<T>, options: PollOptions<T> = {}): Promise<T> {
  const { timeoutMs = 5_000, intervalMs = 50, accept = (v: T) => Boolean(v) } = options;
  const deadline = Date.now() + timeoutMs;
  let last: { value: T } | { error: unknown } | undefined;
  for (let attempts = 1; ; attempts += 1) {
    try {
      const value = await fn();
      if (accept(value)) return value;
      last = { value };
    } catch (error) {
      last = { error };
    }
    if (Date.now() >= deadline) {
      const seen = last && 'error' in last ? `the last attempt threw: ${(last.error as Error)?.message ?? String(last.error)}` : `the last value was ${excerpt(last?.value)}`;
      const err = new Error(`poll: nothing accepted after ${timeoutMs} ms (${attempts} attempts); ${seen}`);
      if (last && 'error' in last) (err as Error & { cause?: unknown }).cause = last.error;
      throw err;
    }
    await new Promise((r) => setTimeout(r, Math.min(intervalMs, Math.max(0, deadline - Date.now()))));
  }
}
