import type { Clock } from '../../shared/time/clock.js';

/**
 * The machine's clock moved on by what the test says: for a cloud that talks to real peers in real
 * time (a broker, a browser) while its deadlines are made to fall due without waiting for them.
 */
export class ShiftedClock implements Clock {
  private offsetMs = 0;

  now(): number {
    return Date.now() + this.offsetMs;
  }

  /** Moves the clock on; it never goes back. */
  advance(ms: number): void {
    this.offsetMs += Math.max(0, ms);
  }
}
