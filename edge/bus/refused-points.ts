import { MAX_REFUSED_POINTS_PER_BUS, type RefusedPoint } from '../../shared/contract/index.js';

/**
 * Points the devices of one bus refused to read (an exception or error reply), per device and point,
 * since the gateway started; published with the bus counters (wire: RefusedPoint).
 */
export class RefusedPoints {
  private readonly byKey = new Map<string, RefusedPoint>();
  private readonly devices = new Set<string>();

  /** Counts one refusal of the points; true when it is the device's first, worth a warning. */
  record(deviceId: string, points: readonly string[], code: number | undefined): boolean {
    for (const point of points) {
      const key = `${deviceId}\u0000${point}`;
      const entry = this.byKey.get(key) ?? { device_id: deviceId, point, refusals: 0 };
      entry.refusals++;
      if (code === undefined) delete entry.last_code;
      else entry.last_code = code;
      this.byKey.set(key, entry);
    }
    const first = !this.devices.has(deviceId);
    this.devices.add(deviceId);
    return first;
  }

  /** The most refused first, then by device and point; at most MAX_REFUSED_POINTS_PER_BUS. */
  snapshot(): RefusedPoint[] {
    return [...this.byKey.values()]
      .map((entry) => ({ ...entry }))
      .sort((a, b) => b.refusals - a.refusals || a.device_id.localeCompare(b.device_id) || a.point.localeCompare(b.point))
      .slice(0, MAX_REFUSED_POINTS_PER_BUS);
  }
}
