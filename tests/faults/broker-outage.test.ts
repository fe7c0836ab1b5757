import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setTimeout as sleep } from 'node:timers/promises';
import { FaultRig, MqttLift, mqttLiftDevice, READINGS_PER_FRAME, type AlarmRecord } from './fault-harness.js';

const LIFTS = 30;
/** Minutes, not seconds: some 36,000 readings and 30 alarms wait in the gateway's outbox meanwhile. */
const OUTAGE_MS = 150_000;
const FRAME_PERIOD_MS = 1000;
/** During the outage an alarm every this often, round robin over lifts 10-19. */
const OUTAGE_ALARM_PERIOD_MS = 5000;

/**
 * The cloud broker (Mosquitto with persistence, as deployed, so the cloud's session survives the
 * restart) is stopped for minutes while 30 lifts keep sending status frames and raising alarms
 * before, throughout and after the outage; the gateway runs as its own process. Counted against what
 * the lifts' PUBACKs from the gateway's local broker say was produced: every alarm becomes exactly one
 * ticket (cleared by the frame after it) and one stored event, every status frame arrives as its
 * readings, and the gateway reports its outbox empty again.
 */
describe('a cloud broker outage of minutes under traffic', () => {
  let rig: FaultRig;
  const lifts: MqttLift[] = [];
  const pending: Array<Promise<unknown>> = [];
  let framing = true;

  beforeAll(async () => {
    rig = await FaultRig.start({
      name: 'gw-outage',
      gateway: { log_level: 'warn', devices: Array.from({ length: LIFTS }, (_, i) => mqttLiftDevice(`lift-${i}`)) },
    });
    lifts.push(...(await rig.startGatewayWithLifts(LIFTS)));
  }, 120_000);

  afterAll(async () => {
    framing = false;
    await Promise.allSettled(lifts.map((lift) => lift.close()));
    await rig?.close();
  });

  const alarm = (lift: number): void => void pending.push(lifts[lift]!.alarm());

  it('loses no alarm or reading, opens no duplicate ticket and drains the outbox', { timeout: 15 * 60_000 }, async () => {
    const trafficFrom = Date.now();
    const frames = (async () => {
      while (framing) {
        for (const lift of lifts) pending.push(lift.frame());
        await sleep(FRAME_PERIOD_MS);
      }
    })();

    for (let lift = 0; lift < 10; lift++) alarm(lift);
    await rig.settle(async () => (await rig.tickets()).length, 10, { quietMs: 0, giveUpMs: 30_000 });

    await rig.mosquitto.halt();
    const outageFrom = Date.now();
    for (let k = 0; Date.now() - outageFrom < OUTAGE_MS; k++) {
      alarm(10 + (k % 10));
      await sleep(Math.min(OUTAGE_ALARM_PERIOD_MS, Math.max(0, OUTAGE_MS - (Date.now() - outageFrom))));
    }
    await rig.mosquitto.restart();
    const outageMs = Date.now() - outageFrom;

    for (let lift = 20; lift < LIFTS; lift++) alarm(lift);
    await sleep(5000);
    framing = false;
    await frames;
    await Promise.all(pending);
    const trafficUntil = Date.now();
    const alarms = lifts.flatMap((lift) => lift.alarms);
    const framesSent = lifts.reduce((sum, lift) => sum + lift.ackedFrames.filter((f) => f.time >= trafficFrom).length, 0);

    const drained = await rig.waitForOutboxDrained(trafficUntil, 300_000).catch((error: Error) => {
      throw new Error(`${error.message}\n${rig.gatewayLog()}`);
    });
    await rig.settle(async () => (await rig.tickets()).length, alarms.length);
    const [tickets, events] = await Promise.all([rig.tickets(), rig.events('lift_alarm_button')]);
    const { rows: readingRows } = await rig.sql.query<{ device_id: string; n: string }>(
      `SELECT device_id, count(*) AS n FROM readings WHERE gateway_id = $1 AND point = 'car_status' AND event_time >= $2 GROUP BY device_id`,
      [rig.gatewayId, new Date(trafficFrom)],
    );
    const { rows: totals } = await rig.sql.query<{ n: string }>(`SELECT count(*) AS n FROM readings WHERE gateway_id = $1 AND event_time >= $2`, [rig.gatewayId, new Date(trafficFrom)]);
    console.log(
      `outage ${Math.round(outageMs / 1000)} s; ${alarms.length} alarms, ${tickets.length} tickets, ${events.length} alarm events; ` +
        `${framesSent} frames sent, ${totals[0]!.n} readings stored; outbox reported empty ${Math.round((drained.last_seen_at.getTime() - trafficUntil) / 1000)} s after the traffic stopped`,
    );

    expect(outageMs).toBeGreaterThanOrEqual(120_000);
    const problems: string[] = [];
    for (const a of alarms) {
      const mine = tickets.filter((t) => t.subject_id === a.lift && t.first_pressed_at === a.time);
      const stored = events.filter((e) => e.device_id === a.lift && e.event_time === a.time);
      if (mine.length !== 1 || mine[0]!.alert_state !== 'cleared' || stored.length !== 1) problems.push(describeAlarm(a, outageFrom, outageFrom + outageMs, mine.map((t) => t.alert_state), stored.length));
    }
    for (const ticket of tickets) {
      if (!alarms.some((a) => ticket.subject_id === a.lift && ticket.first_pressed_at === a.time)) problems.push(`ticket of no alarm: ${JSON.stringify(ticket)}`);
    }
    for (const lift of lifts) {
      const sent = lift.ackedFrames.filter((f) => f.time >= trafficFrom).length;
      const stored = Number(readingRows.find((row) => row.device_id === lift.id)?.n ?? 0);
      if (stored !== sent) problems.push(`${lift.id}: ${sent} frames acknowledged, ${stored} of their car_status readings stored`);
    }
    expect(problems, rig.gatewayLog()).toEqual([]);
    expect(Number(totals[0]!.n)).toBe(framesSent * READINGS_PER_FRAME);
    expect(rig.current?.cli.child.exitCode).toBeNull();
  });
});

function describeAlarm(alarm: AlarmRecord, outageFrom: number, outageUntil: number, tickets: string[], events: number): string {
  const when = alarm.time < outageFrom ? 'before' : alarm.time <= outageUntil ? 'during' : 'after';
  return `alarm ${alarm.lift} seq ${alarm.seq} at ${new Date(alarm.time).toISOString()} (${when} the outage): tickets [${tickets.join(', ')}], ${events} alarm events`;
}
