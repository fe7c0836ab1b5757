import { toWireTime, type DeviceClock } from '../../shared/contract/index.js';
import { offsetSeconds } from './receive-time.js';

interface WrongClock {
  offsetMs: number;
  since: number;
  restamped: number;
}

/**
 * Devices whose clock is off, for the gateway status: how far (at the latest message), since when,
 * and how many of their inputs were stamped by receive time since then. A device whose stamp is
 * believed again (its clock was set right) leaves the list. One entry per device at most.
 */
export class DeviceClocks {
  private readonly wrong = new Map<string, WrongClock>();

  /** A device's time stamp judged at `at` (gateway clock): wrongByMs null when it was believed. */
  observe(deviceId: string, wrongByMs: number | null, at: number): void {
    if (wrongByMs === null) {
      this.wrong.delete(deviceId);
      return;
    }
    const known = this.wrong.get(deviceId);
    if (known) {
      known.offsetMs = wrongByMs;
      known.restamped += 1;
    } else {
      this.wrong.set(deviceId, { offsetMs: wrongByMs, since: at, restamped: 1 });
    }
  }

  /** Every device with a clock off, by device id. */
  report(): DeviceClock[] {
    return [...this.wrong]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([device_id, clock]) => ({ device_id, offset_s: offsetSeconds(clock.offsetMs), since: toWireTime(clock.since), restamped: clock.restamped }));
  }
}
