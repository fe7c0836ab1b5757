/**
 * Simulated gateways on the wire, in a process of their own (spawned by ingest-throughput.bench.ts
 * and fleet-ramp.bench.ts): CONNECTIONS MQTT connections to an ACL-free Mosquitto (open-mosquitto.ts)
 * publishing at QoS 1 for many gateway ids, and one subscription to every gateway's receipts.
 * Prints JSON lines on stdout.
 *
 * burst: every message built first, then all published at once; prints {type:"done"} with the
 *   seconds from the first publish to the last receipt.
 * fleet: the fleet load per gateway (a telemetry message of 50 readings every 10 s, status
 *   every minute, an event every 30 s, an alert every 10 min), each gateway at its own phase, in
 *   steps of a growing number of gateways; prints {type:"step-start"} as a step begins and
 *   {type:"step"} with its receipt latencies once they are in.
 */
import mqtt, { type MqttClient } from 'mqtt';
import { topicFor, type Channel } from '../../shared/contract/index.js';
import { alertPayload, benchGatewayId, eventPayload, statusPayload, telemetryPayload } from './fleet-payloads.js';

export type SimulatorArgs =
  | { mode: 'burst'; url: string; run: string; gateways: number; messages: number }
  | { mode: 'fleet'; url: string; run: string; steps: number[]; stepSeconds: number; warmupSeconds: number };

export interface BurstResult {
  type: 'done';
  seconds: number;
  /** From the first publish to the broker's last PUBACK: the wire's share of `seconds`. */
  publishedSeconds: number;
  /** CPU seconds the simulator itself used from the first publish to the last receipt: its share of the machine. */
  cpuSeconds: number;
  receipts: number;
  rejected: number;
}

export interface StepStart {
  type: 'step-start';
  gateways: number;
}

export interface StepResult {
  type: 'step';
  gateways: number;
  /** Messages published in the measured part of the step (after its warm-up), and of those receipted. */
  measured: number;
  receipted: number;
  p50Ms: number;
  p99Ms: number;
  alertP99Ms: number;
  /** Messages published and not yet receipted, over the whole run, at the step's end. */
  outstandingAtEnd: number;
  /** How far the simulator's own schedule fell behind at worst (its CPU share competes with the cloud's). */
  worstLagMs: number;
  rejected: number;
}

const CONNECTIONS = 8;
const TICK_MS = 100;
const TICKS = { telemetry: 10_000 / TICK_MS, status: 60_000 / TICK_MS, events: 30_000 / TICK_MS, alerts: 600_000 / TICK_MS } as const;
/** How long a step's last messages may take to be receipted before they count as lost to the step. */
const DRAIN_MS = 5_000;

const args = JSON.parse(process.argv[2]!) as SimulatorArgs;
const print = (line: object): void => void process.stdout.write(`${JSON.stringify(line)}\n`);

const clients: MqttClient[] = await Promise.all(
  Array.from({ length: CONNECTIONS }, (_, i) => mqtt.connectAsync(args.url, { clientId: `bench-sim-${args.run}-${i}`, clean: true, reconnectPeriod: 0 })),
);
/** Publish time of each message awaiting its receipt, by gateway id and seq. */
const awaiting = new Map<string, { at: number; channel: Channel }>();
let receipts = 0;
let rejected = 0;
const onReceipt: Array<(latencyMs: number, channel: Channel, publishedAt: number) => void> = [];
const receiptClient = clients[0]!;
receiptClient.on('message', (topic, payload) => {
  const now = Date.now();
  const gatewayId = topic.split('/')[3]!;
  const message = JSON.parse(payload.toString()) as { receipts: Array<{ seq: number; outcome: string }> };
  for (const receipt of message.receipts) {
    const key = `${gatewayId}:${receipt.seq}`;
    const sent = awaiting.get(key);
    if (!sent) continue;
    awaiting.delete(key);
    receipts += 1;
    if (receipt.outcome !== 'stored') rejected += 1;
    onReceipt.forEach((listener) => listener(now - sent.at, sent.channel, sent.at));
  }
});
await receiptClient.subscribeAsync(topicFor('+', 'receipts'), { qos: 0 });

const seqs = new Map<string, number>();
const nextSeq = (gatewayId: string): number => {
  const seq = (seqs.get(gatewayId) ?? 0) + 1;
  seqs.set(gatewayId, seq);
  return seq;
};
let next = 0;
let unacknowledged = 0;
let allAcknowledged: (() => void) | null = null;
const publish = (gatewayId: string, channel: Channel, seq: number, payload: string, at: number): void => {
  if (channel !== 'status') awaiting.set(`${gatewayId}:${seq}`, { at, channel });
  unacknowledged += 1;
  clients[next++ % CONNECTIONS]!.publish(topicFor(gatewayId, channel), payload, { qos: 1 }, () => {
    if (--unacknowledged === 0) allAcknowledged?.();
  });
};

if (args.mode === 'burst') await burst(args);
else await fleet(args);
await Promise.all(clients.map((client) => client.endAsync(true)));
process.exit(0);

async function burst({ run, gateways, messages }: Extract<SimulatorArgs, { mode: 'burst' }>): Promise<void> {
  const at = Date.now();
  const built = Array.from({ length: messages }, (_, i) => {
    const gatewayId = benchGatewayId(i % gateways);
    const seq = nextSeq(gatewayId);
    return { gatewayId, seq, payload: telemetryPayload(gatewayId, seq, at, run) };
  });
  const done = new Promise<void>((resolve) => onReceipt.push(() => receipts === messages && resolve()));
  const published = new Promise<void>((resolve) => (allAcknowledged = resolve));
  const start = performance.now();
  const cpuAtStart = process.cpuUsage();
  for (const { gatewayId, seq, payload } of built) publish(gatewayId, 'telemetry', seq, payload, Date.now());
  await published;
  const publishedSeconds = (performance.now() - start) / 1000;
  await done;
  const cpu = process.cpuUsage(cpuAtStart);
  print({ type: 'done', seconds: (performance.now() - start) / 1000, publishedSeconds, cpuSeconds: (cpu.user + cpu.system) / 1e6, receipts, rejected } satisfies BurstResult);
}

async function fleet({ run, steps, stepSeconds, warmupSeconds }: Extract<SimulatorArgs, { mode: 'fleet' }>): Promise<void> {
  const started = Date.now();
  let tick = 0;
  for (const gateways of steps) {
    print({ type: 'step-start', gateways } satisfies StepStart);
    const stepStart = Date.now();
    const measuredFrom = stepStart + warmupSeconds * 1000;
    const stepEnd = stepStart + stepSeconds * 1000;
    const latencies: number[] = [];
    const alertLatencies: number[] = [];
    let measured = 0;
    const rejectedBefore = rejected;
    const listener = (latency: number, channel: Channel, publishedAt: number): void => {
      if (publishedAt < measuredFrom || publishedAt >= stepEnd) return;
      latencies.push(latency);
      if (channel === 'alerts') alertLatencies.push(latency);
    };
    onReceipt.push(listener);
    let worstLagMs = 0;
    while (Date.now() < stepEnd) {
      const due = started + tick * TICK_MS;
      const lag = Date.now() - due;
      if (lag < 0) await new Promise((resolve) => setTimeout(resolve, -lag));
      else worstLagMs = Math.max(worstLagMs, lag);
      const now = Date.now();
      // A tick that came due after the step's end belongs to the next step.
      if (now >= stepEnd) break;
      const counted = now >= measuredFrom;
      for (let i = 0; i < gateways; i++) {
        const gatewayId = benchGatewayId(i);
        if (tick % TICKS.telemetry === i % TICKS.telemetry) {
          const seq = nextSeq(gatewayId);
          publish(gatewayId, 'telemetry', seq, telemetryPayload(gatewayId, seq, now, run), now);
          if (counted) measured += 1;
        }
        if (tick % TICKS.events === (i * 7) % TICKS.events) {
          const seq = nextSeq(gatewayId);
          publish(gatewayId, 'events', seq, eventPayload(gatewayId, seq, now, run), now);
          if (counted) measured += 1;
        }
        if (tick % TICKS.alerts === (i * 13) % TICKS.alerts) {
          const seq = nextSeq(gatewayId);
          publish(gatewayId, 'alerts', seq, alertPayload(gatewayId, seq, now, run), now);
          if (counted) measured += 1;
        }
        if (tick % TICKS.status === (i * 11) % TICKS.status) {
          const seq = nextSeq(gatewayId);
          publish(gatewayId, 'status', seq, statusPayload(gatewayId, seq, now, (now - started) / 1000), now);
        }
      }
      tick += 1;
    }
    const outstandingAtEnd = awaiting.size;
    // The step's last messages are receipted during the next step; its figures are printed once they are in.
    const report = (): void => {
      onReceipt.splice(onReceipt.indexOf(listener), 1);
      print({
        type: 'step',
        gateways,
        measured,
        receipted: latencies.length,
        p50Ms: percentile(latencies, 0.5),
        p99Ms: percentile(latencies, 0.99, measured),
        alertP99Ms: percentile(alertLatencies, 0.99),
        outstandingAtEnd,
        worstLagMs,
        rejected: rejected - rejectedBefore,
      } satisfies StepResult);
    };
    setTimeout(report, DRAIN_MS);
  }
  await new Promise((resolve) => setTimeout(resolve, DRAIN_MS + 100));
}

/** The q-quantile of the values; with `of`, values missing (never receipted) count as infinitely late. */
function percentile(values: number[], q: number, of = values.length): number {
  if (of === 0) return 0;
  const rank = Math.ceil(q * of) - 1;
  if (rank >= values.length) return Number.POSITIVE_INFINITY;
  return [...values].sort((a, b) => a - b)[rank]!;
}
