import type { BusCounters } from '../../shared/contract/index.js';
import { RefusedPoints } from './refused-points.js';

/** Counters of one bus since the gateway started; published in the gateway status (wire: BusCounters). */
export class BusCounterSet {
  transactions = 0;
  timeouts = 0;
  checksumErrors = 0;
  exceptionReplies = 0;
  transportErrors = 0;
  writesRefused = 0;
  readonly refusedPoints = new RefusedPoints();

  constructor(readonly busId: string) {}

  snapshot(devices: number, devicesOffline: number): BusCounters {
    return {
      bus_id: this.busId,
      transactions: this.transactions,
      timeouts: this.timeouts,
      checksum_errors: this.checksumErrors,
      exception_replies: this.exceptionReplies,
      transport_errors: this.transportErrors,
      devices,
      devices_offline: devicesOffline,
      writes_refused: this.writesRefused,
      refused_points: this.refusedPoints.snapshot(),
    };
  }
}
