/** An offline stretch, epoch ms; to null while it goes on. */
export interface OfflinePeriod {
  from: number;
  to: number | null;
  /** device: its own device_offline episode; gateway: its gateway was offline, so nothing of it was known. */
  cause: 'device' | 'gateway';
}

export interface DeviceAvailability {
  /** Share of the window the device was neither offline itself nor behind an offline gateway, 0 to 1. */
  ratio: number;
  /** The same per hour of the window, oldest first (the last hour may be shorter). */
  hourly: number[];
  /** The stretches that overlap the window, clipped to it, oldest first. */
  offline: OfflinePeriod[];
}

const HOUR_MS = 3_600_000;

/**
 * Availability over [from, to) from offline stretches: the union of the device's own and its
 * gateway's, so an hour where both were offline counts once. Works on clipped intervals, merged
 * after sorting, so overlapping episodes (a re-raised alert) are not counted twice.
 */
export function deviceAvailability(periods: readonly OfflinePeriod[], from: number, to: number): DeviceAvailability {
  const clipped = periods
    .map((period) => ({ cause: period.cause, ongoing: period.to === null, from: Math.max(from, period.from), to: Math.min(to, period.to ?? to) }))
    .filter((period) => period.to > period.from)
    .sort((a, b) => a.from - b.from);
  const merged: Array<{ from: number; to: number }> = [];
  for (const period of clipped) {
    const last = merged.at(-1);
    if (last && period.from <= last.to) last.to = Math.max(last.to, period.to);
    else merged.push({ from: period.from, to: period.to });
  }
  const downIn = (start: number, end: number) => merged.reduce((sum, p) => sum + Math.max(0, Math.min(end, p.to) - Math.max(start, p.from)), 0);
  const span = Math.max(1, to - from);
  const hourly: number[] = [];
  for (let start = from; start < to; start += HOUR_MS) {
    const end = Math.min(to, start + HOUR_MS);
    hourly.push(1 - downIn(start, end) / (end - start));
  }
  return {
    ratio: 1 - downIn(from, to) / span,
    hourly,
    offline: clipped.map((period) => ({ from: period.from, to: period.ongoing ? null : period.to, cause: period.cause })),
  };
}
