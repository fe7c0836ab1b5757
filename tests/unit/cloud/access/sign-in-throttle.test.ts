import { describe, expect, it } from 'vitest';
import { afterFailure, afterSuccess, freshThrottle, reserveAttempt, type ThrottleState } from '../../../../cloud/access/sign-in-throttle.js';

const RULE = { limit: 3, windowMs: 600_000, lockoutMs: 900_000 };

function reserved(state: ThrottleState, now: number): ThrottleState {
  const reservation = reserveAttempt(state, now, RULE);
  expect(reservation.allowed).toBe(true);
  return reservation.next;
}

describe('sign-in throttle decisions', () => {
  it('counts each attempt before it is checked; the failure that reaches the limit locks for lockoutMs', () => {
    let state = freshThrottle(0);
    for (let i = 0; i < RULE.limit; i++) state = afterFailure(reserved(state, i), i, RULE);
    expect(state).toEqual({ failures: 3, windowStartedAt: 0, lockedUntil: 2 + RULE.lockoutMs });
    expect(reserveAttempt(state, 1000, RULE)).toEqual({ allowed: false, retryAfterMs: 2 + RULE.lockoutMs - 1000, next: state });
    expect(reserveAttempt(state, 2 + RULE.lockoutMs, RULE)).toEqual({ allowed: true, next: { failures: 1, windowStartedAt: 2 + RULE.lockoutMs, lockedUntil: null } });
  });

  it('attempts still being checked hold the limit: one more is refused until the window ends', () => {
    let state = freshThrottle(0);
    for (let i = 0; i < RULE.limit; i++) state = reserved(state, 10);
    expect(reserveAttempt(state, 10, RULE)).toMatchObject({ allowed: false, retryAfterMs: RULE.windowMs - 10 });
  });

  it('failures older than the window are forgotten', () => {
    let state = afterFailure(reserved(freshThrottle(0), 0), 0, RULE);
    state = afterFailure(reserved(state, 1), 1, RULE);
    expect(reserved(state, RULE.windowMs)).toEqual({ failures: 1, windowStartedAt: RULE.windowMs, lockedUntil: null });
  });

  it('a success clears the count, or gives back only its own attempt', () => {
    const state = reserved(reserved(freshThrottle(0), 0), 0);
    expect(afterSuccess(state, true).failures).toBe(0);
    expect(afterSuccess(state, false).failures).toBe(1);
    expect(afterSuccess(freshThrottle(0), false).failures).toBe(0);
  });
});
