/** A gateway clock further than this from the cloud's is flagged: status messages arrive within a second or two, so 60 s is no transit delay. */
export const CLOCK_DRIFT_THRESHOLD_S = 60;

export interface GatewayClock {
  /** Gateway clock minus the cloud's at the last online status, seconds (transit time included, so a true offset reads slightly low). */
  offset_s: number | null;
  drifting: boolean;
  /** When that status was sent, by the gateway's clock (ISO 8601 UTC). */
  measured_at: string | null;
}

export function gatewayClock(record: { clockOffsetMs: number | null; gatewaySentAt: number | null }): GatewayClock {
  if (record.clockOffsetMs === null || record.gatewaySentAt === null) return { offset_s: null, drifting: false, measured_at: null };
  const offset = record.clockOffsetMs / 1_000;
  return { offset_s: offset, drifting: Math.abs(offset) > CLOCK_DRIFT_THRESHOLD_S, measured_at: new Date(record.gatewaySentAt).toISOString() };
}
