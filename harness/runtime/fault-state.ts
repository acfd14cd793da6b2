/**
 * The faults a private platform (`faults.ts`) has active in this process, for the recorder: each
 * call made while one is active carries it (`RecordedCall.fault`), so the reports tell a status a
 * fault caused from one a healthy service sent. Jest loads the runtime once per test file, so
 * this is per test file, as the platforms are.
 */

/** Fault key (`instance:risk`, `database`) -> what a reader is told (`risk stopped`). */
const active = new Map<string, string>();

export function setFault(key: string, description: string): void {
  active.set(key, description);
}

export function clearFault(key: string): void {
  active.delete(key);
}

/** The active faults in the order they began, joined by `; `; undefined when none. */
export function activeFault(): string | undefined {
  return active.size === 0 ? undefined : [...active.values()].join('; ');
}
