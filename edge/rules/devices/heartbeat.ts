/**
 * A device that pushes and has no silence limit of its kind (a door controller speaks only when
 * someone passes) may still send a heartbeat: a status frame every few minutes. Once it has shown
 * HEARTBEATS_TO_LEARN of them, its period is the shortest gap seen, and missing missed_heartbeats of
 * them makes it offline like any other device (device-offline.ts). Events do not teach the period
 * (they come when people pass) but do count as signs of life.
 */
export interface Heartbeat {
  last: number;
  beats: number;
  /** Shortest gap between two heartbeats, ms. */
  period?: number;
}

export const HEARTBEATS_TO_LEARN = 5;
/** Frames closer than this are one burst (a retransmission), not two heartbeats. */
const BURST_MS = 10_000;

export function withHeartbeat(previous: Heartbeat | undefined, at: number): Heartbeat | undefined {
  if (!previous) return { last: at, beats: 1 };
  const gap = at - previous.last;
  if (gap <= 0) return undefined;
  if (gap < BURST_MS) return { ...previous, last: at };
  const period = previous.period === undefined ? gap : Math.min(previous.period, gap);
  return { last: at, beats: Math.min(previous.beats + 1, HEARTBEATS_TO_LEARN), period };
}

/** The learned silence limit, ms, once the heartbeat is known. */
export function heartbeatLimitMs(heartbeat: Heartbeat | undefined, missed: number): number | undefined {
  return heartbeat && heartbeat.beats >= HEARTBEATS_TO_LEARN && heartbeat.period !== undefined ? missed * heartbeat.period : undefined;
}
