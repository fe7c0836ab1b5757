import pg from 'pg';
import { setTimeout as sleep } from 'node:timers/promises';
import type { AlertItem } from '../../shared/contract/index.js';
import { SERVICE_USERNAME } from '../../cloud/broker/embedded-cloud-broker.js';
import type { Cloud } from '../../cloud/cloud-service.js';
import { startMosquitto, type MosquittoInstance } from '../support/mosquitto.js';
import { createTestPostgresDatabase, type TestPostgresDatabase } from '../support/postgres.js';
import { GatewayPublisher } from '../support/gateway-publisher.js';
import { startTestCloud } from '../support/test-cloud.js';
import { alertItem } from '../support/wire-fixtures.js';
import type { BenchRow } from './bench-table.js';

/** Messages queued ahead of the P1 alert. */
const QUEUED = 1_000;
const POISONER = 'gw-poisoner';
const VICTIM = 'gw-victim';
const INGEST_CLIENT_ID = 'estatecare-poison-bench-ingest';
/** How often the victim's ticket is looked for; its wait is read from the ticket's opened_at, not from this. */
const TICKET_POLL_MS = 20;
/** A P1 that waits longer than this behind its queue fails the benchmark run. */
const GIVE_UP_MS = 30 * 60_000;
/** The wait behind poisoned messages may be no longer than this times the wait behind as many good ones. */
const TARGET_RATIO = 1.5;
/** PostgreSQL's integer (tickets.alert_revision) ends at 2^31 - 1; the wire's revision is any positive integer. */
const BEYOND_PG_INTEGER = 2 ** 31;

type Queue = { name: string; items: () => AlertItem[] };

/** One alert of the poisoning gateway per message, as a device flood relayed by one gateway would come. */
const QUEUES: Queue[] = [
  { name: 'nothing', items: () => [] },
  { name: `${QUEUED.toLocaleString('en-US')} good alert messages`, items: () => poisonerAlerts((alert) => alert) },
  {
    name: `${QUEUED.toLocaleString('en-US')} alert messages with U+0000 in the reason`,
    items: () => poisonerAlerts((alert) => ({ ...alert, reason: { ...alert.reason, en: `reader 3\u0000 ${alert.reason.en}` } })),
  },
  {
    name: `${QUEUED.toLocaleString('en-US')} alert messages PostgreSQL refuses (revision 2^31: SQLSTATE 22003)`,
    items: () => poisonerAlerts((alert) => ({ ...alert, revision: BEYOND_PG_INTEGER })),
  },
];

function poisonerAlerts(change: (alert: AlertItem) => AlertItem): AlertItem[] {
  return Array.from({ length: QUEUED }, (_, i) =>
    change(alertItem({ subject: { kind: 'asset', id: `pump-${i}` }, category: 'water_leak', severity: 'major', rule: 'continuous_flow', at: Date.now() })),
  );
}

/**
 * How long a P1 alert of one gateway waits behind messages of another gateway queued ahead of it on
 * the cloud broker: the wait behind poisoned messages (a NUL in a text field; a value the database
 * refuses) against the wait behind as many good ones.
 *
 * In the loop: a private Mosquitto with the deployed config and ACL, the real Cloud (ingest with a
 * persistent session, PostgreSQL for tickets and telemetry). For each row the cloud is stopped, the
 * queue is published by the poisoning gateway and then the P1 (a lift entrapment) by another gateway,
 * both into the broker, which keeps them for the cloud's session; then the cloud is started again.
 * The wait is from that start to the P1 ticket's opened_at (the cloud's clock, on this machine), so
 * the cloud's own start-up is in every row: the "nothing" row shows it.
 */
export async function benchPoisonedIngest(): Promise<BenchRow[]> {
  const passwords = { [POISONER]: 'pw-poisoner', [VICTIM]: 'pw-victim', [SERVICE_USERNAME]: 'pw-poison-cloud' };
  let mosquitto: MosquittoInstance | undefined;
  let postgres: TestPostgresDatabase | undefined;
  let cloud: Cloud | undefined;
  let sql: pg.Client | undefined;
  const publishers: GatewayPublisher[] = [];
  try {
    [mosquitto, postgres] = await Promise.all([startMosquitto(passwords), createTestPostgresDatabase()]);
    const startCloud = (): Promise<Cloud> =>
      startTestCloud({ brokerUrl: mosquitto!.url, servicePassword: passwords[SERVICE_USERNAME], databaseUrl: postgres!.url, gatewayIds: [POISONER, VICTIM], clientId: INGEST_CLIENT_ID });
    cloud = await startCloud(); // creates the tables and the ingest session the queue waits in
    sql = new pg.Client({ connectionString: postgres.url });
    await sql.connect();
    const poisoner = await GatewayPublisher.connect(mosquitto.url, POISONER, passwords[POISONER]);
    const victim = await GatewayPublisher.connect(mosquitto.url, VICTIM, passwords[VICTIM]);
    publishers.push(poisoner, victim);

    const waits = new Map<string, number>();
    for (const queue of QUEUES) {
      process.stderr.write(`  P1 behind ${queue.name}…\n`);
      await cloud.stop();
      cloud = undefined;
      for (const alert of queue.items()) await poisoner.publish('alerts', poisoner.envelope([alert]));
      const p1 = alertItem({ subject: { kind: 'asset', id: 'lift-a' }, category: 'lift_entrapment', severity: 'critical', rule: 'lift_entrapment', at: Date.now() });
      await victim.publish('alerts', victim.envelope([p1]));
      const startedAt = Date.now();
      cloud = await startCloud();
      const openedAt = await ticketOpenedAt(sql, p1.episode_id, startedAt + GIVE_UP_MS);
      waits.set(queue.name, (openedAt - startedAt) / 1000);
    }

    const good = waits.get(QUEUES[1]!.name)!;
    return QUEUES.map((queue): BenchRow => {
      const seconds = waits.get(queue.name)!;
      const poisoned = queue !== QUEUES[0] && queue !== QUEUES[1];
      return {
        name: `another gateway's P1 ticket, from cloud start, behind ${queue.name}${poisoned ? ' (baseline: behind as many good ones)' : ''}`,
        ours: seconds,
        baseline: poisoned ? good : null,
        unit: 's',
        ratio: poisoned ? seconds / good : null,
        target: poisoned ? `at most ${TARGET_RATIO} x the wait behind good ones` : 'none set (reported)',
        met: !poisoned || seconds <= TARGET_RATIO * good,
      };
    });
  } finally {
    for (const publisher of publishers) await publisher.close().catch(() => undefined);
    await sql?.end().catch(() => undefined);
    await cloud?.stop();
    await Promise.allSettled([mosquitto?.stop(), postgres?.drop()]);
  }
}

/** The opened_at (epoch ms) of the episode's ticket, once it exists. */
async function ticketOpenedAt(sql: pg.Client, episodeId: string, giveUpAt: number): Promise<number> {
  for (;;) {
    const { rows } = await sql.query<{ opened_at: Date }>('SELECT opened_at FROM tickets WHERE episode_id = $1', [episodeId]);
    if (rows[0]) return rows[0].opened_at.getTime();
    if (Date.now() > giveUpAt) throw new Error(`poisoned-ingest bench: the P1 ticket did not open within ${GIVE_UP_MS} ms`);
    await sleep(TICKET_POLL_MS);
  }
}
