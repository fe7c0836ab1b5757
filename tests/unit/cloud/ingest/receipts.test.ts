import { afterEach, describe, expect, it, vi } from 'vitest';
import { MAX_RECEIPTS_PER_MESSAGE, ReceiptsMessageSchema, topicFor } from '../../../../shared/contract/index.js';
import { silentLogger } from '../../../../shared/log/logger.js';
import { ManualClock } from '../../../../shared/time/clock.js';
import { RECEIPT_FLUSH_DELAY_MS, ReceiptPublisher, receiptFor } from '../../../../cloud/ingest/receipt-publisher.js';

describe('which messages get a receipt', () => {
  it('stored for accepted items, rejected with the reason for bad input', () => {
    expect(receiptFor({ accepted: true, channel: 'telemetry', gatewayId: 'gw-1', seq: 7 })).toEqual({ gatewayId: 'gw-1', receipt: { seq: 7, outcome: 'stored' } });
    expect(receiptFor({ accepted: false, reason: 'schema_violation', detail: 'x', channel: 'alerts', gatewayId: 'gw-1', seq: 8 })).toEqual({
      gatewayId: 'gw-1',
      receipt: { seq: 8, outcome: 'rejected', reason: 'schema_violation' },
    });
  });

  it('stored with the counts of the items refused for good, when some were; rejected when every item was', () => {
    expect(receiptFor({ accepted: true, channel: 'events', gatewayId: 'gw-1', seq: 7, refused: { event_time_ahead: 2 } })).toEqual({
      gatewayId: 'gw-1',
      receipt: { seq: 7, outcome: 'stored', refused: { event_time_ahead: 2 } },
    });
    for (const reason of ['data_exception', 'event_time_ahead', 'event_time_too_old'] as const) {
      expect(receiptFor({ accepted: false, reason, detail: 'x', channel: 'alerts', gatewayId: 'gw-1', seq: 8 })?.receipt).toEqual({ seq: 8, outcome: 'rejected', reason });
    }
  });

  it('none for status, an unknown gateway (it may be registered later) or an unreadable seq', () => {
    expect(receiptFor({ accepted: true, channel: 'status', gatewayId: 'gw-1', seq: 7 })).toBeNull();
    expect(receiptFor({ accepted: false, reason: 'unknown_gateway', detail: 'x', channel: 'alerts', gatewayId: 'gw-1', seq: 8 })).toBeNull();
    // Set aside by stores that would not write it: the gateway keeps it and sends it again later.
    expect(receiptFor({ accepted: false, reason: 'store_rejected', detail: 'x', channel: 'alerts', gatewayId: 'gw-1', seq: 9 })).toBeNull();
    expect(receiptFor({ accepted: false, reason: 'not_json', detail: 'x', channel: 'alerts', gatewayId: 'gw-1' })).toBeNull();
    expect(receiptFor({ accepted: false, reason: 'unknown_topic', detail: 'x' })).toBeNull();
  });
});

describe('the receipt publisher', () => {
  afterEach(() => vi.useRealTimers());

  it('gathers receipts per gateway into one message per flush, and flushes at once when one is full', async () => {
    vi.useFakeTimers();
    const sent: Array<{ topic: string; payload: string }> = [];
    const publisher = new ReceiptPublisher(async (topic, payload) => void sent.push({ topic, payload }), new ManualClock(Date.UTC(2026, 10, 24)), silentLogger());
    publisher.record('gw-a', { seq: 1, outcome: 'stored' });
    publisher.record('gw-b', { seq: 5, outcome: 'rejected', reason: 'too_large' });
    publisher.record('gw-a', { seq: 2, outcome: 'stored' });
    expect(sent).toEqual([]);
    vi.advanceTimersByTime(RECEIPT_FLUSH_DELAY_MS);
    expect(sent.map((m) => m.topic)).toEqual([topicFor('gw-a', 'receipts'), topicFor('gw-b', 'receipts')]);
    const first = ReceiptsMessageSchema.parse(JSON.parse(sent[0]!.payload));
    expect(first).toMatchObject({ gateway_id: 'gw-a', receipts: [{ seq: 1, outcome: 'stored' }, { seq: 2, outcome: 'stored' }] });
    expect(ReceiptsMessageSchema.parse(JSON.parse(sent[1]!.payload)).seq).toBe(first.seq + 1);

    sent.length = 0;
    for (let seq = 0; seq < MAX_RECEIPTS_PER_MESSAGE; seq++) publisher.record('gw-a', { seq, outcome: 'stored' });
    expect(sent).toHaveLength(1);
    expect(ReceiptsMessageSchema.parse(JSON.parse(sent[0]!.payload)).receipts).toHaveLength(MAX_RECEIPTS_PER_MESSAGE);
    publisher.stop();
  });
});
