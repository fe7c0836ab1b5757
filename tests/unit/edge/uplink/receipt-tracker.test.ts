import { describe, expect, it } from 'vitest';
import { ReceiptTracker } from '../../../../edge/uplink/receipt-tracker.js';

const tracker = () => new ReceiptTracker({ timeoutMs: 1_000, maxTimeoutMs: 4_000 });

describe('waiting for the cloud receipts', () => {
  it('settles stored and rejected messages by seq and ignores seqs it does not await', () => {
    const receipts = tracker();
    receipts.expect({ seq: 10, channel: 'alerts', keys: [1, 2], sentAt: 0 });
    receipts.expect({ seq: 11, channel: 'telemetry', keys: [3, 4, 5], sentAt: 0 });
    expect(receipts.awaitedTelemetryItems).toBe(3);
    const settlement = receipts.settle([
      { seq: 11, outcome: 'rejected', reason: 'schema_violation' },
      { seq: 99, outcome: 'stored' },
      { seq: 10, outcome: 'stored' },
      { seq: 10, outcome: 'stored' },
    ]);
    expect(settlement.acknowledge).toEqual([3, 4, 5, 1, 2]);
    expect(settlement.rejected).toEqual([{ message: { seq: 11, channel: 'telemetry', keys: [3, 4, 5], sentAt: 0 }, reason: 'schema_violation' }]);
    expect(receipts.size).toBe(0);
    expect(receipts.awaitedTelemetryItems).toBe(0);
  });

  it('settles a stored message some of whose items were refused, with the counts by reason', () => {
    const receipts = tracker();
    receipts.expect({ seq: 20, channel: 'events', keys: [1, 2, 3], sentAt: 0 });
    const settlement = receipts.settle([{ seq: 20, outcome: 'stored', refused: { event_time_ahead: 1, data_exception: 1 } }]);
    expect(settlement.acknowledge).toEqual([1, 2, 3]);
    expect(settlement.rejected).toEqual([]);
    expect(settlement.partlyRefused).toEqual([{ message: { seq: 20, channel: 'events', keys: [1, 2, 3], sentAt: 0 }, refused: { event_time_ahead: 1, data_exception: 1 } }]);
  });

  it('expires overdue messages and doubles the timeout up to its limit until a receipt comes', () => {
    const receipts = tracker();
    receipts.expect({ seq: 1, channel: 'events', keys: [1], sentAt: 0 });
    receipts.expect({ seq: 2, channel: 'events', keys: [2], sentAt: 500 });
    expect(receipts.expire(999)).toEqual([]);
    expect(receipts.expire(1_000).map((m) => m.seq)).toEqual([1]);
    expect(receipts.timeoutMs).toBe(2_000);
    expect(receipts.expire(2_000)).toEqual([]); // seq 2 is 1.5 s old, the timeout is now 2 s
    expect(receipts.expire(2_500).map((m) => m.seq)).toEqual([2]);
    expect(receipts.timeoutMs).toBe(4_000);
    receipts.expect({ seq: 3, channel: 'events', keys: [3], sentAt: 10_000 });
    receipts.expire(20_000);
    expect(receipts.timeoutMs).toBe(4_000);
    receipts.expect({ seq: 4, channel: 'events', keys: [4], sentAt: 20_000 });
    receipts.settle([{ seq: 4, outcome: 'stored' }]);
    expect(receipts.timeoutMs).toBe(1_000);
  });

  it('abandons everything when the connection goes, and forgets a message whose publish failed', () => {
    const receipts = tracker();
    receipts.expect({ seq: 1, channel: 'telemetry', keys: [1, 2], sentAt: 0 });
    receipts.expect({ seq: 2, channel: 'alerts', keys: [3], sentAt: 0 });
    expect(receipts.forget(1)?.keys).toEqual([1, 2]);
    expect(receipts.forget(1)).toBeUndefined();
    expect(receipts.awaitedTelemetryItems).toBe(0);
    expect(receipts.abandonAll().map((m) => m.seq)).toEqual([2]);
    expect(receipts.settle([{ seq: 2, outcome: 'stored' }]).acknowledge).toEqual([]);
  });
});
