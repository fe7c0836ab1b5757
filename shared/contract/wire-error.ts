/**
 * Why an item of a message was refused for good while the rest could be kept; a counter label on
 * both sides, and a key of a receipt's `refused` counts.
 */
export type ItemRefusal =
  /** Further ahead of the cloud's clock than MAX_EVENT_TIME_AHEAD_MS (event-time-plausibility.ts). */
  | 'event_time_ahead'
  /** Older than MAX_EVENT_AGE_MS at the cloud's clock. */
  | 'event_time_too_old'
  /**
   * A store refused the data itself, and would refuse it again: PostgreSQL's SQLSTATE class 22
   * "data exception" (a value out of its column's range, text it cannot hold), InfluxDB's 400 to a
   * write it cannot parse or keep (a field type conflict, a time beyond the retention policy).
   */
  | 'data_exception';

/** Why a message was refused; each reason is a counter label on both sides. */
export type WireRejection =
  | 'unknown_topic'
  | 'too_large'
  | 'not_json'
  | 'schema_violation'
  | 'gateway_mismatch'
  | 'unknown_gateway'
  /** Every item of the message was refused, the first one found for this reason. */
  | ItemRefusal
  /** The stores answer but failed to take the message in a way no rule here recognises, several times over. */
  | 'store_rejected';

export class WireError extends Error {
  constructor(
    readonly reason: WireRejection,
    message: string,
  ) {
    super(message);
    this.name = 'WireError';
  }
}
