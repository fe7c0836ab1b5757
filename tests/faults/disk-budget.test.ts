import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, statSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { FaultRig, MqttLift, mqttLiftDevice, READINGS_PER_FRAME } from './fault-harness.js';

const LIFTS = 10;
/** The smallest budget the gateway config accepts is 64 KiB; this one holds about 1,300 readings. */
const MAX_BYTES = 256 * 1024;
const FLOOD_MS = 20_000;
/** Each lift sends a frame (8 readings) this often during the flood: 1,600 readings a second in all. */
const FLOOD_PERIOD_MS = 50;
const ALARMS = 5;
/** The outbox file (without its WAL) may grow past the budget by page and index slack; the thinning/eviction target is 90% of it. */
const FILE_SLACK = 2;
/**
 * The WAL is not counted by the budget: SQLite checkpoints it at 1,000 pages (wal_autocheckpoint,
 * 4 MiB with 4 KiB pages) and keeps the file at its largest size. Twice that means checkpoints run.
 */
const WAL_BOUND = 2 * 1000 * 4096;

interface BudgetLog {
  thinned_total: number;
  evicted_total: number;
  stored_bytes: number;
}

const budgetCounts = (log: BudgetLog | undefined): string =>
  log ? `thinned ${log.thinned_total}, evicted ${log.evicted_total}, ${log.stored_bytes} bytes stored` : 'no budget log line';

/**
 * The outbox disk budget end to end: a gateway process with outbox.max_bytes of 256 KiB, its cloud
 * broker stopped, while ten lifts flood it with status frames for 20 s and five of them raise an
 * alarm; then the broker comes back. Every alarm must become one ticket and every alarm event arrive
 * (alerts and events are never evicted); readings must have been thinned, then evicted, with the
 * counts in the gateway's log adding up to exactly what is missing in the cloud; the outbox file must
 * stay near its budget; and what arrived of each reading series must look like the policy
 * (edge/outbox/sqlite-outbox.ts, "Disk budget"): an evicted oldest part, then at least every other
 * reading (thinning deletes every second reading of a series, never two in a row), the last kept.
 */
describe('the outbox disk budget filled end to end', () => {
  let rig: FaultRig;
  const lifts: MqttLift[] = [];

  beforeAll(async () => {
    rig = await FaultRig.start({
      name: 'gw-budget',
      gateway: { log_level: 'warn', outbox: { max_bytes: MAX_BYTES }, devices: Array.from({ length: LIFTS }, (_, i) => mqttLiftDevice(`lift-${i}`)) },
    });
    lifts.push(...(await rig.startGatewayWithLifts(LIFTS)));
  }, 120_000);

  afterAll(async () => {
    await Promise.allSettled(lifts.map((lift) => lift.close()));
    await rig?.close();
  });

  it('keeps every alarm and event, thins then evicts readings oldest first, and stays near the budget', { timeout: 10 * 60_000 }, async () => {
    // What was sent before is delivered, so everything counted below passed through the budget.
    await rig.waitForOutboxDrained(Date.now(), 60_000);
    const floodFrom = Date.now();
    await rig.mosquitto.halt();

    let fileMax = 0;
    let walMax = 0;
    const wal = `${rig.outboxPath}-wal`;
    const sampler = setInterval(() => {
      if (existsSync(rig.outboxPath)) fileMax = Math.max(fileMax, statSync(rig.outboxPath).size);
      if (existsSync(wal)) walMax = Math.max(walMax, statSync(wal).size);
    }, 50);

    const pending: Array<Promise<unknown>> = [];
    const alarmEvery = Math.floor(FLOOD_MS / FLOOD_PERIOD_MS / (ALARMS + 1));
    for (let round = 0; Date.now() - floodFrom < FLOOD_MS; round++) {
      if (round > 0 && round % alarmEvery === 0 && round / alarmEvery <= ALARMS) pending.push(lifts[round / alarmEvery]!.alarm());
      for (const lift of lifts) pending.push(lift.frame());
      await sleep(FLOOD_PERIOD_MS);
    }
    await Promise.all(pending);
    // Every frame is acknowledged; the gateway may still be appending them. Once its budget counts
    // stop moving it has appended them all, and nothing is in flight that eviction would have to skip.
    await rig.settle(async () => (budgetLog()?.thinned_total ?? 0) + (budgetLog()?.evicted_total ?? 0), 0, { quietMs: 3000 });
    const beforeRestart = budgetLog();

    await rig.mosquitto.restart();
    await rig.waitForOutboxDrained(Date.now(), 300_000);
    clearInterval(sampler);

    const alarms = lifts.flatMap((lift) => lift.alarms);
    const [tickets, events] = await Promise.all([rig.tickets(), rig.events('lift_alarm_button')]);
    const { rows } = await rig.sql.query<{ device_id: string; point: string; event_time: Date }>(
      `SELECT device_id, point, event_time FROM readings WHERE gateway_id = $1 AND event_time >= $2`,
      [rig.gatewayId, new Date(floodFrom)],
    );
    const arrived = new Set(rows.map((row) => `${row.device_id} ${row.point} ${row.event_time.getTime()}`));
    const produced = lifts.reduce((sum, lift) => sum + lift.ackedFrames.filter((f) => f.time >= floodFrom).length, 0) * READINGS_PER_FRAME;
    const counts = budgetLog();
    const series = lifts.flatMap((lift) => POINTS.map((point) => seriesShape(lift, point, floodFrom, arrived)));
    const firstKept = series.map((s) => s.firstKept).filter((t): t is number => t !== null);
    console.log(
      `flood of ${produced} readings in ${FLOOD_MS / 1000} s; ${arrived.size} arrived; gateway log: ${budgetCounts(counts)} (when the broker came back: ${budgetCounts(beforeRestart)}); ` +
        `outbox file peak ${fileMax} bytes, WAL peak ${walMax} bytes for a budget of ${MAX_BYTES}; ` +
        `eviction cut the series between ${new Date(Math.min(...firstKept)).toISOString()} and ${new Date(Math.max(...firstKept)).toISOString()}`,
    );

    // Alerts and events are never thinned or evicted.
    expect(alarms).toHaveLength(ALARMS);
    for (const alarm of alarms) {
      const mine = tickets.filter((t) => t.subject_id === alarm.lift && t.first_pressed_at === alarm.time);
      expect(mine.map((t) => t.alert_state), `tickets of the alarm of ${alarm.lift} at ${new Date(alarm.time).toISOString()}`).toEqual(['cleared']);
      expect(events.filter((e) => e.device_id === alarm.lift && e.event_time === alarm.time), `alarm event of ${alarm.lift}`).toHaveLength(1);
    }
    expect(tickets).toHaveLength(ALARMS);
    // Readings: thinned first, then evicted, and the log's counts are exactly what is missing.
    expect(counts, 'an "outbox disk budget reached" log line').toBeDefined();
    expect(counts!.thinned_total).toBeGreaterThan(0);
    expect(counts!.evicted_total).toBeGreaterThan(0);
    expect(arrived.size + counts!.thinned_total + counts!.evicted_total).toBe(produced);
    // Each series: an evicted oldest part, then never two readings in a row missing, the last kept.
    const misshapen = series.filter((s) => s.gapsOfTwo > 0 || !s.lastKept || s.firstKept === null);
    expect(misshapen.map((s) => `${s.name}: ${s.gapsOfTwo} gaps of two or more after the evicted part, last ${s.lastKept ? 'kept' : 'missing'}`)).toEqual([]);
    // Oldest first across series too: eviction stopped at about the same moment in every series.
    expect(Math.max(...firstKept) - Math.min(...firstKept)).toBeLessThanOrEqual(1000);
    expect(fileMax).toBeLessThanOrEqual(FILE_SLACK * MAX_BYTES);
    expect(walMax).toBeLessThanOrEqual(WAL_BOUND);
    expect(rig.current?.cli.child.exitCode).toBeNull();
  });

  /** The latest "outbox disk budget reached" counts the gateway logged (sqlite-outbox.ts enforceBudget). */
  function budgetLog(): BudgetLog | undefined {
    const lines = rig.logRecords().filter((line) => typeof line.thinned_total === 'number');
    return lines.length === 0 ? undefined : (lines[lines.length - 1] as unknown as BudgetLog);
  }
});

/** The points of an MqttLift frame. */
const POINTS = ['car_status', 'car_direction', 'door_zone', 'car_position', 'door_status', 'passenger_status', 'service_mode', 'power_status'];

interface SeriesShape {
  name: string;
  /** Event time of the first reading after the missing oldest part; null when none arrived. */
  firstKept: number | null;
  /** Places after firstKept where two or more readings in a row are missing. */
  gapsOfTwo: number;
  lastKept: boolean;
}

function seriesShape(lift: MqttLift, point: string, from: number, arrived: ReadonlySet<string>): SeriesShape {
  const times = lift.ackedFrames.filter((f) => f.time >= from).map((f) => f.time);
  const kept = times.map((time) => arrived.has(`${lift.id} ${point} ${time}`));
  const first = kept.indexOf(true);
  let gapsOfTwo = 0;
  for (let i = Math.max(first, 0) + 1; first >= 0 && i < kept.length; i++) {
    if (!kept[i] && !kept[i - 1]) gapsOfTwo++;
  }
  return { name: `${lift.id}/${point}`, firstKept: first < 0 ? null : times[first]!, gapsOfTwo, lastKept: kept[kept.length - 1] === true };
}
