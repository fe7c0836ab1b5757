import type { AlertItem, EventItem, HouseholdActivityItem, ReadingItem } from '../../shared/contract/index.js';
import { CHANNEL_SPECS, RECEIPTED_CHANNELS, type ReceiptedChannel } from '../../shared/contract/index.js';

/**
 * The gateway's store-and-forward queue in front of the uplink: write before send, delete only on
 * acknowledgement (the cloud's receipt; edge/uplink/receipt-tracker.ts), replay what was in flight
 * after a reconnect, never drop while offline. Every implementation (in memory, SQLite) behaves the
 * same: each passes the one contract suite in tests/contract/outbox.contract.ts.
 */
/** The channels whose messages carry outbox items (and get the cloud's receipts), in priority order. */
export const OUTBOX_CHANNELS = [...RECEIPTED_CHANNELS].sort((a, b) => CHANNEL_SPECS[a].priority - CHANNEL_SPECS[b].priority);
export type OutboxChannel = ReceiptedChannel;

export interface OutboxItems {
  alerts: AlertItem;
  events: EventItem;
  telemetry: ReadingItem;
  activity: HouseholdActivityItem;
}

/** One batch, all of one channel, so it becomes one envelope. Keys acknowledge or release it. */
export type OutboxBatch = {
  [C in OutboxChannel]: { channel: C; keys: number[]; items: Array<OutboxItems[C]> };
}[OutboxChannel];

export interface OutboxStats {
  /** Items appended and not yet acknowledged, in flight included. */
  depth: number;
  /** When (clock ms) the oldest unacknowledged item was appended; null when empty. */
  oldest_appended_at: number | null;
  /** Earliest event time (ms) among unacknowledged items; null when empty. */
  earliest_pending_event_time: number | null;
  /** Latest event time (ms) of any item acknowledged since start; null before the first. */
  latest_acknowledged_event_time: number | null;
  /**
   * Disk budget (SqliteOutbox with max_bytes only; absent otherwise). Readings deleted by thinning
   * and by eviction, and the stored bytes the budget counts (sqlite-outbox.ts, "Disk budget").
   */
  thinned_telemetry?: number;
  evicted_telemetry?: number;
  /** Latest event time (ms) of any reading thinned or evicted; null before the first. */
  telemetry_dropped_through?: number | null;
  stored_bytes?: number;
  max_bytes?: number;
}

export interface Outbox {
  append<C extends OutboxChannel>(channel: C, items: ReadonlyArray<OutboxItems[C]>): Promise<void>;
  /**
   * Up to maxItems not-in-flight items of the highest-priority channel that has any
   * (CHANNEL_SPECS priority: alerts, then events, then telemetry), oldest first; marks them in flight.
   * null when nothing waits. channels, when given, limits the channels looked at (the uplink asks
   * for alerts and events only while the telemetry drain is paused).
   */
  take(maxItems: number, channels?: readonly OutboxChannel[]): Promise<OutboxBatch | null>;
  /** Deletes delivered items. Idempotent: unknown keys are ignored. */
  acknowledge(keys: readonly number[]): Promise<void>;
  /** Puts in-flight items back in line (publish failed, connection lost); they are taken again. */
  release(keys: readonly number[]): Promise<void>;
  stats(): Promise<OutboxStats>;
}
