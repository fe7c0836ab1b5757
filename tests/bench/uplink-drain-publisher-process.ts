/**
 * The gateway side of the uplink-drain benchmark, in its own Node.js process as on a real gateway
 * (its event loop shared with nothing of the cloud's). Argument: one JSON object (PublisherArgs).
 * Prints one JSON line (PublisherResult) when everything it had is done, then exits.
 *  - uplink: an UplinkClient (EnvelopeFactory, drain_share 1) drains a filled SqliteOutbox file;
 *    done when the outbox reports depth 0. With receipts, items are deleted on the cloud's receipt
 *    with the gateway's default timeouts (edge/gateway.ts); without, on the broker's PUBACK.
 *  - bare: one MQTT.js client publishes the same envelopes (header from an EnvelopeFactory, the
 *    items pre-serialised by fillDrainOutbox) one at a time, each awaited to its PUBACK as
 *    UplinkClient.drain does. With receipts, it keeps the uplink's window (telemetry stops while
 *    MAX_AWAITED_TELEMETRY_ITEMS are unanswered) and is done at the last receipt; without, at the
 *    last PUBACK.
 * Times are systemClock (epoch ms), comparable with the parent's.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import mqtt from 'mqtt';
import { CHANNEL_SPECS, topicFor, type ReceiptsMessage } from '../../shared/contract/index.js';
import { silentLogger } from '../../shared/log/logger.js';
import { systemClock } from '../../shared/time/clock.js';
import {
  DEFAULT_RECEIPT_MAX_TIMEOUT_S,
  DEFAULT_RECEIPT_TIMEOUT_S,
  DEFAULT_RECONNECT_PERIOD_MS,
  DEFAULT_UPLINK_KEEPALIVE_S,
} from '../../edge/config/gateway-config.js';
import { SqliteOutbox } from '../../edge/outbox/sqlite-outbox.js';
import { EnvelopeFactory } from '../../edge/uplink/envelope-factory.js';
import { MAX_AWAITED_TELEMETRY_ITEMS, UplinkClient } from '../../edge/uplink/uplink-client.js';
import { DRAIN_BATCH, batchLines } from './uplink-drain-readings.js';

export interface PublisherArgs {
  mode: 'uplink' | 'bare';
  /** Wait for the cloud's receipts (a cloud is subscribed), or count the broker's PUBACK as delivery. */
  receipts: boolean;
  url: string;
  gatewayId: string;
  password: string;
  /** uplink: the filled outbox file; bare: the batches file. */
  source: string;
  count: number;
}

export interface PublisherResult {
  started_at: number;
  drained_at: number;
}

/** How often the uplink run reads the outbox depth: a few index seeks, next to nothing. */
const DEPTH_POLL_MS = 10;

const args = JSON.parse(process.argv[2]!) as PublisherArgs;
const result = args.mode === 'uplink' ? await drainUplink(args) : await publishBare(args);
process.stdout.write(`${JSON.stringify(result)}\n`, () => process.exit(0));

async function drainUplink({ receipts, url, gatewayId, password, source, count }: PublisherArgs): Promise<PublisherResult> {
  const outbox = new SqliteOutbox(source, systemClock);
  const queued = (await outbox.stats()).depth;
  if (queued !== count) throw new Error(`${source}: ${queued} readings queued, expected ${count}`);
  const uplink = new UplinkClient({
    url,
    username: gatewayId,
    password,
    keepaliveS: DEFAULT_UPLINK_KEEPALIVE_S,
    reconnectPeriodMs: DEFAULT_RECONNECT_PERIOD_MS,
    drainShare: 1,
    receipts: receipts ? { timeoutMs: DEFAULT_RECEIPT_TIMEOUT_S * 1000, maxTimeoutMs: DEFAULT_RECEIPT_MAX_TIMEOUT_S * 1000 } : null,
    outbox,
    envelopes: new EnvelopeFactory(gatewayId, systemClock),
    logger: silentLogger(),
  });
  const startedAt = systemClock.now();
  await uplink.start();
  while ((await outbox.stats()).depth > 0) await sleep(DEPTH_POLL_MS);
  const drainedAt = systemClock.now();
  await uplink.stop();
  outbox.close();
  if (uplink.itemsRefusedByCloud > 0) throw new Error(`the cloud refused ${uplink.itemsRefusedByCloud} readings`);
  return { started_at: startedAt, drained_at: drainedAt };
}

async function publishBare({ receipts, url, gatewayId, password, source, count }: PublisherArgs): Promise<PublisherResult> {
  const envelopes = new EnvelopeFactory(gatewayId, systemClock);
  const topic = topicFor(gatewayId, 'telemetry');
  const { qos, retain } = CHANNEL_SPECS.telemetry;
  const messages = Math.ceil(count / DRAIN_BATCH);
  /** Items per seq published and not yet answered by a receipt. */
  const awaited = new Map<number, number>();
  let awaitedItems = 0;
  let refused = 0;
  let onReceipt: (() => void) | null = null;
  const startedAt = systemClock.now();
  const client = await mqtt.connectAsync(url, {
    clientId: `estatecare-bench-bare-${gatewayId}`,
    username: gatewayId,
    password,
    clean: true,
    keepalive: DEFAULT_UPLINK_KEEPALIVE_S,
    reconnectPeriod: 0,
  });
  if (receipts) {
    client.on('message', (_topic, payload) => {
      for (const receipt of (JSON.parse(payload.toString()) as ReceiptsMessage).receipts) {
        const items = awaited.get(receipt.seq);
        if (items === undefined) continue;
        awaited.delete(receipt.seq);
        awaitedItems -= items;
        if (receipt.outcome === 'rejected') refused += items;
      }
      onReceipt?.();
    });
    await client.subscribeAsync(topicFor(gatewayId, 'receipts'), { qos: CHANNEL_SPECS.receipts.qos });
  }
  const receiptArrived = (): Promise<void> => new Promise((resolve) => (onReceipt = resolve));
  let sent = 0;
  for (const items of batchLines(source, messages)) {
    while (receipts && awaitedItems >= MAX_AWAITED_TELEMETRY_ITEMS) await receiptArrived();
    const header = envelopes.header();
    const size = Math.min(DRAIN_BATCH, count - sent * DRAIN_BATCH);
    if (receipts) {
      awaited.set(header.seq, size);
      awaitedItems += size;
    }
    // The uplink's JSON.stringify({ ...header, items }), with the items already serialised.
    const json = JSON.stringify(header);
    await client.publishAsync(topic, `${json.slice(0, -1)},"items":${items}}`, { qos, retain });
    sent++;
  }
  while (awaited.size > 0) await receiptArrived();
  const drainedAt = systemClock.now();
  await client.endAsync();
  if (sent !== messages) throw new Error(`${source}: ${sent} envelopes, expected ${messages}`);
  if (refused > 0) throw new Error(`the cloud refused ${refused} readings`);
  return { started_at: startedAt, drained_at: drainedAt };
}
