/** A part of a whole: `count` of `of`, and their ratio (null when there is nothing to count, never 0/0). */
export interface Share {
  count: number;
  of: number;
  rate: number | null;
}

/** How long something took, in seconds, over `count` tickets: median and 90th percentile (null when count is 0). */
export interface DurationSpread {
  count: number;
  medianS: number | null;
  p90S: number | null;
}

/**
 * The figures of one period or one bucket of it. Each is defined where it is computed:
 * opened-ticket-kpis.ts (opened to falseAlarms), follow-up-kpis.ts (followUp), escalation-kpis.ts
 * (escalations).
 */
export interface KpiFigures {
  opened: number;
  acknowledgedInTime: Share;
  onSiteInTime: Share;
  timeToAcknowledge: DurationSpread;
  timeToArrive: DurationSpread;
  closure: Share;
  followUp: Share;
  falseAlarms: Share;
  /** Escalation steps taken (first notice of each step; renotifications not counted). */
  escalations: number;
}

/** The closure rate a supervisor aims for: 98 % of the tickets opened in a period are closed. */
export const CLOSURE_TARGET = 0.98;

export function share(count: number, of: number): Share {
  return { count, of, rate: of === 0 ? null : count / of };
}

export const NO_DURATIONS: DurationSpread = { count: 0, medianS: null, p90S: null };

export function emptyFigures(): KpiFigures {
  return {
    opened: 0,
    acknowledgedInTime: share(0, 0),
    onSiteInTime: share(0, 0),
    timeToAcknowledge: NO_DURATIONS,
    timeToArrive: NO_DURATIONS,
    closure: share(0, 0),
    followUp: share(0, 0),
    falseAlarms: share(0, 0),
    escalations: 0,
  };
}
