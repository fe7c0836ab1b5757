import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { systemClock } from '../../shared/time/clock.js';
import { Cloud } from '../../cloud/cloud-service.js';
import { SERVICE_USERNAME } from '../../cloud/broker/embedded-cloud-broker.js';
import { MAX_AWAITED_TELEMETRY_ITEMS } from '../../edge/uplink/uplink-client.js';
import { startMosquitto, type MosquittoInstance } from '../support/mosquitto.js';
import { createTestPostgresDatabase, type TestPostgresDatabase } from '../support/postgres.js';
import { median, type BenchRow } from './bench-table.js';
import { spawnTs } from './child-process.js';
import type { PublisherArgs, PublisherResult } from './uplink-drain-publisher-process.js';
import { DRAIN_BATCH, FILL_CHUNK, bareFill, fillDrainOutbox } from './uplink-drain-readings.js';
import { startTestCloud } from '../support/test-cloud.js';

/** The headline backlog: one drain per path. */
const BACKLOG = 1_000_000;
/** Readings per repeated round (interleaved, median), for steadier ratios. */
const ROUND_READINGS = 100_000;
const ROUNDS = 3;
/** How often the cloud's accepted-message counter is read while a drain runs (no SQL until it is complete). */
const CLOUD_POLL_MS = 20;
/** A drain slower than this is treated as stuck and fails the benchmark. */
const SLOWEST_READINGS_PER_S = 500;
/**
 * Targets, each a ratio to the bare path of the same run (the machine is shared: absolute figures
 * move with its load, ratios hold).
 *
 * With the cloud, the uplink drains at least half the bare client's rate, so it empties its outbox in
 * at most twice the bare time (the same measurement, as a rate and as a time). Both paths wait on
 * the same broker, the same ingest and PostgreSQL, one message in flight and the same receipt window;
 * what the uplink adds (take from SQLite, JSON parse and serialise, one acknowledge transaction per
 * receipt) may cost as much again as that whole round trip, not more: a gateway back from an outage
 * should spend its time on the wire and in the cloud, not in its own outbox.
 */
const MIN_RATIO_WITH_CLOUD = 0.5;
/**
 * To the broker alone (no cloud, no receipts: both paths done at the PUBACK) the bare client does
 * next to nothing per message (its lines come pre-serialised from a file) while the uplink takes,
 * parses and serialises each batch and deletes it at its PUBACK in a transaction of its own, fsynced
 * (synchronous=FULL: what the outbox's durability costs). So this row shows the gateway side's own
 * cost, and it is the largest share here: measured 0.15 of bare on a loaded 2-core machine (28,000
 * readings/s, still ahead of the bare client's 20,000 with the cloud). At least a tenth: 20 ms more
 * per message on the gateway side measured 0.04 here, and 0.33 and 0.44 of bare with the cloud.
 */
const MIN_RATIO_BROKER_ONLY = 0.1;
/**
 * The fill against a bare SQLite insert loop of the same rows, as the outbox bench's throughput
 * target: the outbox's own work may at most double SQLite's (measured 0.95).
 */
const MIN_RATIO_FILL = 0.5;
const GATEWAY_ID = 'gw-drain-bench';
const ESTATE_ID = 'drain-estate';
const PUBLISHER = 'tests/bench/uplink-drain-publisher-process.ts';

type Mode = PublisherArgs['mode'];

/**
 * Time to drain a backlog of queued readings to the cloud (1,000,000 readings of 1,000 SDM120
 * meters, uplink-drain-readings.ts), from the start of the gateway's uplink until its outbox is
 * empty and the cloud has stored every reading (counted in SQL).
 *
 * In the loop: a private Mosquitto with the deployed config and ACL; the real Cloud against it,
 * subscribed as ingest (persistent session, many messages in flight, PUBACK and receipt after
 * storing), storing into a throwaway PostgreSQL database (SQL telemetry store); the gateway side in
 * its own process (uplink-drain-publisher-process.ts). Ours: UplinkClient with EnvelopeFactory,
 * drain_share 1 and receipts as the gateway runs them by default (an item is deleted on the cloud's
 * receipt), on a SqliteOutbox file filled beforehand (the fill is not timed; it has its own row).
 *
 * Baseline: a bare MQTT.js client in the same kind of process, publishing the same envelopes (same
 * header fields, same DRAIN_BATCH items, same bytes) to the same broker and the same cloud ingest
 * with the uplink's flow control: QoS 1, one message in flight awaited to its PUBACK, no more than
 * MAX_AWAITED_TELEMETRY_ITEMS unanswered by receipts, done at the last receipt. Its items come
 * pre-serialised from a file. So the ratio is what the outbox and uplink add (take, JSON parse and
 * serialise, the acknowledge transactions) on top of the MQTT round trips and the cloud. Each drain
 * starts on an empty readings table (TRUNCATE, CHECKPOINT), so no path inherits the other's index
 * size or dirty pages.
 *
 * Rows: the 1,000,000 drain once per path (rate and total time); ROUND_READINGS rounds, interleaved
 * with alternating order, median of ROUNDS: with the cloud, and against a second Mosquitto with no
 * subscriber, where the uplink runs without receipts and both paths are done at the broker's PUBACK
 * (the gateway side alone, so the reader sees which part of the time is the cloud's); the fill of
 * the backlog's outbox against a bare SQLite loop inserting the same rows (bare-outbox-table.ts). All
 * of it runs on one machine: the gateway side's CPU competes with the broker, ingest and PostgreSQL.
 */
export async function benchUplinkDrain(): Promise<BenchRow[]> {
  const dir = mkdtempSync(join(tmpdir(), 'estatecare-uplink-drain-bench-'));
  const passwords = { [GATEWAY_ID]: 'pw-drain-gateway', [SERVICE_USERNAME]: 'pw-drain-cloud' };
  let cloudBroker: MosquittoInstance | undefined;
  let quietBroker: MosquittoInstance | undefined;
  let postgres: TestPostgresDatabase | undefined;
  let cloud: Cloud | undefined;
  let sql: pg.Client | undefined;
  try {
    [cloudBroker, quietBroker, postgres] = await Promise.all([startMosquitto(passwords), startMosquitto(passwords), createTestPostgresDatabase()]);
    cloud = await startTestCloud({
      brokerUrl: cloudBroker.url,
      servicePassword: passwords[SERVICE_USERNAME],
      databaseUrl: postgres.url,
      estate: { id: ESTATE_ID, name: 'Drain Gardens' },
      gatewayIds: [GATEWAY_ID],
    });
    sql = new pg.Client({ connectionString: postgres.url });
    await sql.connect();

    const backlogOutbox = join(dir, 'backlog.sqlite');
    const batches = join(dir, 'batches.jsonl');
    const roundOutbox = join(dir, 'round.sqlite');
    process.stderr.write(`  filling an outbox with ${BACKLOG.toLocaleString('en-US')} readings…\n`);
    const fillSeconds = await fillDrainOutbox(backlogOutbox, BACKLOG, batches);
    const bareFillSeconds = bareFill(join(dir, 'bare-fill.sqlite'), BACKLOG);
    rmSync(join(dir, 'bare-fill.sqlite'), { force: true });
    await fillDrainOutbox(roundOutbox, ROUND_READINGS);

    const gateway = { gatewayId: GATEWAY_ID, password: passwords[GATEWAY_ID] };
    const withCloud = new CloudDrains(cloud, sql, cloudBroker.url, gateway);
    const brokerOnly = new BrokerDrains(quietBroker.url, gateway);
    /** Readings/s of one ROUND_READINGS drain; the uplink drains its own copy of the round's outbox. */
    const roundRate = async (drains: CloudDrains | BrokerDrains, mode: Mode): Promise<number> => {
      if (mode === 'bare') return ROUND_READINGS / (await drains.drain(mode, batches, ROUND_READINGS));
      const copy = join(dir, 'round-copy.sqlite');
      copyFileSync(roundOutbox, copy);
      try {
        return ROUND_READINGS / (await drains.drain(mode, copy, ROUND_READINGS));
      } finally {
        rmSync(copy, { force: true });
      }
    };

    process.stderr.write(`  ${BACKLOG.toLocaleString('en-US')} readings, bare MQTT.js…\n`);
    const bareSeconds = await withCloud.drain('bare', batches, BACKLOG);
    process.stderr.write(`  ${BACKLOG.toLocaleString('en-US')} readings, uplink…\n`);
    const oursSeconds = await withCloud.drain('uplink', backlogOutbox, BACKLOG);
    rmSync(backlogOutbox, { force: true });

    const rounds: Record<'cloud' | 'broker', Record<Mode, number[]>> = { cloud: { bare: [], uplink: [] }, broker: { bare: [], uplink: [] } };
    for (let round = 0; round < ROUNDS; round++) {
      process.stderr.write(`  round ${round + 1} of ${ROUNDS}, ${ROUND_READINGS.toLocaleString('en-US')} readings…\n`);
      const order: Mode[] = round % 2 === 0 ? ['bare', 'uplink'] : ['uplink', 'bare'];
      for (const mode of order) rounds.cloud[mode].push(await roundRate(withCloud, mode));
      for (const mode of order) rounds.broker[mode].push(await roundRate(brokerOnly, mode));
    }

    const backlog = `${BACKLOG.toLocaleString('en-US')} queued readings`;
    const perRound = `${ROUND_READINGS.toLocaleString('en-US')} readings, median of ${ROUNDS}`;
    const flow = `${DRAIN_BATCH} per message, 1 in flight, ${MAX_AWAITED_TELEMETRY_ITEMS.toLocaleString('en-US')} awaiting receipts`;
    return [
      rateRow(
        `uplink drain of ${backlog} to Mosquitto + cloud ingest (PostgreSQL), ${flow} (baseline: bare MQTT.js, same envelopes and flow)`,
        BACKLOG / oursSeconds,
        BACKLOG / bareSeconds,
        MIN_RATIO_WITH_CLOUD,
      ),
      {
        name: `uplink drain of ${backlog}: time until the outbox is empty and the cloud stored them all`,
        ours: oursSeconds,
        baseline: bareSeconds,
        unit: 's',
        ratio: oursSeconds / bareSeconds,
        target: `<= ${1 / MIN_RATIO_WITH_CLOUD} x bare`,
        met: oursSeconds <= bareSeconds / MIN_RATIO_WITH_CLOUD,
      },
      rateRow(`uplink drain with cloud ingest, ${perRound} (baseline: bare MQTT.js)`, median(rounds.cloud.uplink), median(rounds.cloud.bare), MIN_RATIO_WITH_CLOUD),
      rateRow(
        `uplink drain to the broker's PUBACK, no cloud, no receipts, ${perRound} (baseline: bare MQTT.js)`,
        median(rounds.broker.uplink),
        median(rounds.broker.bare),
        MIN_RATIO_BROKER_ONLY,
      ),
      rateRow(
        `outbox fill before the drain (not timed in it): ${backlog}, ${FILL_CHUNK.toLocaleString('en-US')} per append (baseline: bare SQLite inserts, same rows)`,
        BACKLOG / fillSeconds,
        BACKLOG / bareFillSeconds,
        MIN_RATIO_FILL,
      ),
    ];
  } finally {
    await sql?.end().catch(() => undefined);
    await cloud?.stop();
    await Promise.allSettled([cloudBroker?.stop(), quietBroker?.stop(), postgres?.drop()]);
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A rate against its baseline; met when it reaches minRatio of it. */
function rateRow(name: string, ours: number, baseline: number, minRatio: number): BenchRow {
  return { name, ours, baseline, unit: 'readings/s', ratio: ours / baseline, target: `>= ${minRatio} x bare`, met: ours >= minRatio * baseline };
}

/** Runs one publisher process to the end; rejects if it fails or takes longer than deadlineMs. */
async function runPublisher(args: PublisherArgs, deadlineMs: number): Promise<PublisherResult> {
  const child = spawnTs(PUBLISHER, [JSON.stringify(args)]);
  const timeout = new AbortController();
  try {
    return await Promise.race([
      child.ready as Promise<PublisherResult>,
      sleep(deadlineMs, undefined, { signal: timeout.signal }).then(() => {
        throw new Error(`uplink-drain bench: the ${args.mode} publisher did not finish ${args.count} readings within ${deadlineMs} ms`);
      }),
    ]);
  } finally {
    timeout.abort();
    await child.stop();
  }
}

function deadlineFor(count: number): number {
  return 30_000 + (count / SLOWEST_READINGS_PER_S) * 1000;
}

/** Drains to a broker nobody subscribes to: seconds from the publisher's start to its last PUBACK. */
class BrokerDrains {
  constructor(
    private readonly url: string,
    private readonly gateway: { gatewayId: string; password: string },
  ) {}

  async drain(mode: Mode, source: string, count: number): Promise<number> {
    const result = await runPublisher({ mode, receipts: false, url: this.url, ...this.gateway, source, count }, deadlineFor(count));
    return (result.drained_at - result.started_at) / 1000;
  }
}

/**
 * Drains through the cloud: seconds from the publisher's start until it is done (outbox empty, or
 * last receipt) and the cloud has stored every reading. With receipts the first implies the second;
 * the count in SQL checks it.
 */
class CloudDrains {
  constructor(
    private readonly cloud: Cloud,
    private readonly sql: pg.Client,
    private readonly url: string,
    private readonly gateway: { gatewayId: string; password: string },
  ) {}

  async drain(mode: Mode, source: string, count: number): Promise<number> {
    await this.sql.query('TRUNCATE readings');
    // Needs superuser or pg_checkpoint; without it the drains share the checkpointer's own schedule.
    await this.sql.query('CHECKPOINT').catch(() => undefined);
    const before = { accepted: await this.cloud.metrics.acceptedCount('telemetry'), rejected: await this.cloud.metrics.rejectedCount() };
    const deadline = deadlineFor(count);
    const stopPolling = new AbortController();
    const published = runPublisher({ mode, receipts: true, url: this.url, ...this.gateway, source, count }, deadline);
    published.catch(() => stopPolling.abort());
    const [result, storedAt] = await Promise.all([published, this.storedAt(count, before, systemClock.now() + deadline, stopPolling.signal)]);
    return (Math.max(result.drained_at, storedAt) - result.started_at) / 1000;
  }

  /**
   * When (systemClock ms) ingest had accepted every message of the drain, confirmed by a count of
   * the stored readings. Only the in-memory counter is read while the drain runs: counting up to
   * 1,000,000 rows every few milliseconds would load the database being measured.
   */
  private async storedAt(count: number, before: { accepted: number; rejected: number }, deadline: number, signal: AbortSignal): Promise<number> {
    const messages = Math.ceil(count / DRAIN_BATCH);
    for (;;) {
      if (signal.aborted) throw new Error('uplink-drain bench: the publisher failed');
      const rejected = (await this.cloud.metrics.rejectedCount()) - before.rejected;
      if (rejected > 0) throw new Error(`uplink-drain bench: the cloud rejected ${rejected} messages`);
      if ((await this.cloud.metrics.acceptedCount('telemetry')) - before.accepted >= messages) {
        const at = systemClock.now();
        const { rows } = await this.sql.query<{ n: string }>('SELECT count(*) AS n FROM readings WHERE gateway_id = $1', [this.gateway.gatewayId]);
        const stored = Number(rows[0]!.n);
        if (stored === count) return at;
        if (stored > count) throw new Error(`uplink-drain bench: ${stored} readings stored, expected ${count}`);
      }
      if (systemClock.now() > deadline) throw new Error(`uplink-drain bench: the cloud did not store ${count} readings in time`);
      await sleep(CLOUD_POLL_MS);
    }
  }
}
