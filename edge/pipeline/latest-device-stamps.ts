import type { JudgedStamp } from '../drivers/event-time.js';

/**
 * Per device, its latest believed time stamp and the event time it was given, so that judging a
 * stamp against the receive time keeps the device's own order (edge/drivers/event-time.ts
 * judgeDeviceTime). In memory: one entry per device that has sent data since start.
 */
export class LatestDeviceStamps {
  private readonly latest = new Map<string, JudgedStamp>();

  get(deviceId: string): JudgedStamp | undefined {
    return this.latest.get(deviceId);
  }

  /** A believed stamp of the device and its event time; an older stamp than the latest changes nothing. */
  note(deviceId: string, stamp: JudgedStamp): void {
    const latest = this.latest.get(deviceId);
    if (latest === undefined || stamp.deviceMs >= latest.deviceMs) this.latest.set(deviceId, stamp);
  }
}
