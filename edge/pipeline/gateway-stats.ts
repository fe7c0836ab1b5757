import type { DeviceDataProblemCode } from '../drivers/driver.js';

/** Counters of one gateway process since start. */
export interface GatewayStats {
  /** Canonical events from devices. */
  events: number;
  /** Readings from devices (points, not frames). */
  readings: number;
  /** Alert changes (raised, updated, cleared) produced by the rules. */
  alerts: number;
  /** Device payloads refused as a whole, per reason. */
  rejected: Partial<Record<DeviceDataProblemCode, number>>;
  /** Parts of device payloads ignored while the rest was used, per reason. */
  ignored: Partial<Record<DeviceDataProblemCode, number>>;
  /** Events kept on the gateway by the uplink policy (household subjects). */
  withheld_events: number;
  /** Events and frames stamped by receive time because their device's clock was off (edge/drivers/event-time.ts). */
  restamped: number;
  /** Ticks of the gateway's clock given to the rules (timers due by then fire at each). */
  ticks: number;
}

export function emptyStats(): GatewayStats {
  return { events: 0, readings: 0, alerts: 0, rejected: {}, ignored: {}, withheld_events: 0, restamped: 0, ticks: 0 };
}

export function countProblem(counters: Partial<Record<DeviceDataProblemCode, number>>, code: DeviceDataProblemCode): void {
  counters[code] = (counters[code] ?? 0) + 1;
}
