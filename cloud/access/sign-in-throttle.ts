/**
 * Failed sign-ins counted per key ("login:<name>" or "address:<ip>") within a window. Each attempt
 * is counted BEFORE its password is checked, so attempts fired in parallel cannot all slip in
 * before the first failure is recorded; a success gives its count back.
 */
export interface ThrottleRule {
  /** Failures within the window that lock the key. */
  limit: number;
  /** How long failures are counted from the first one. */
  windowMs: number;
  /** How long the key stays locked once the limit is reached. */
  lockoutMs: number;
}

export interface ThrottleState {
  failures: number;
  windowStartedAt: number;
  lockedUntil: number | null;
}

export type Reservation = { allowed: true; next: ThrottleState } | { allowed: false; retryAfterMs: number; next: ThrottleState };

export function freshThrottle(now: number): ThrottleState {
  return { failures: 0, windowStartedAt: now, lockedUntil: null };
}

/** Counts an attempt as failed until it is known to succeed; refuses while locked or while the limit is in flight. */
export function reserveAttempt(state: ThrottleState, now: number, rule: ThrottleRule): Reservation {
  if (state.lockedUntil !== null && state.lockedUntil > now) return { allowed: false, retryAfterMs: state.lockedUntil - now, next: state };
  const current = state.lockedUntil !== null || now - state.windowStartedAt >= rule.windowMs ? freshThrottle(now) : state;
  // The limit is taken by attempts still being checked: refuse until the window ends.
  if (current.failures >= rule.limit) return { allowed: false, retryAfterMs: current.windowStartedAt + rule.windowMs - now, next: current };
  return { allowed: true, next: { ...current, failures: current.failures + 1 } };
}

/** The attempt failed: it is already counted; reaching the limit locks the key from now. */
export function afterFailure(state: ThrottleState, now: number, rule: ThrottleRule): ThrottleState {
  return state.failures >= rule.limit ? { ...state, lockedUntil: now + rule.lockoutMs } : state;
}

/** The attempt succeeded: its reserved count is given back, or the whole count cleared (a login signed in). */
export function afterSuccess(state: ThrottleState, clear: boolean): ThrottleState {
  return clear ? { ...state, failures: 0 } : { ...state, failures: Math.max(0, state.failures - 1) };
}
