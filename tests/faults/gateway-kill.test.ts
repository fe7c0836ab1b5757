import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setTimeout as sleep } from 'node:timers/promises';
import { ModbusLiftMonitors, type AlarmRead } from '../support/modbus-lift-monitors.js';
import { eventually } from '../support/net.js';
import { busSubjectId } from '../../edge/rules/devices/bus-outage.js';
import { BurstLift, type BurstRecord } from './burst-lift.js';
import { FaultRig, MqttLift, mqttLiftDevice, seedFrom, seededRandom, type AlarmRecord, type EventRow, type GatewayRun, type TicketRow } from './fault-harness.js';

/**
 * ESTATECARE_FAULT_SEED repeats a run's random choices: the kill schedule and each lift's alarms come
 * from generators of their own, so the same seed gives the same choices whatever the interleaving
 * with the processes, which stays real.
 */
const SEED = seedFrom('ESTATECARE_FAULT_SEED');
const ROUNDS = 24;
/** Burst rounds added until a restarted gateway has skipped an input it had taken in (see below), at most. */
const MAX_EXTRA_BURST_ROUNDS = 24;
const MQTT_LIFTS = 6;
const BURST_LIFTS = 2;
const POLLED_LIFTS = 4;
/** Each MQTT lift sends a status frame this often, and with ALARM_CHANCE an alarm press before it. */
const FRAME_PERIOD_MS = 250;
const ALARM_CHANCE = 0.06;
const POLL_INTERVAL_S = 0.25;
/**
 * A poll is stamped with its start (edge/bus/bus-scheduler.ts), which may be a little before the
 * press it reads; presses of one lift are at least 500 ms apart, so windows this wide never overlap.
 */
const POLL_SLACK_MS = 300;
/** Share of rounds killed at a random moment of the process start, before its local broker listens. */
const EARLY_KILL_CHANCE = 0.2;
/** Share of rounds killed inside a burst: after its first press's PUBACK, once the rest is sent. */
const BURST_KILL_CHANCE = 0.4;
/**
 * How long after sending the rest of a burst the kill comes, at most: the gateway takes the rest in,
 * commits, appends to the outbox and acknowledges within a few ms to some tens of ms, so kills
 * spread over this land before, inside and after that.
 */
const KILL_IN_BURST_MAX_MS = 60;
/** Share of polled presses held until a second gateway run has read the button held. */
const HOLD_ACROSS_RESTART_CHANCE = 0.5;
/** How long a polled lift waits for the cloud to show its press, then its clear; a safety net only. */
const DEVICE_WAIT_MS = 300_000;
/** The engine's log line for an input taken in before (edge/rules/rule-engine.ts). */
const SKIPPED_REDELIVERY = 'input taken in before (delivered again); the rules skip it';

interface Press {
  unit: number;
  pressedAt: number;
  releasedAt: number | null;
  /** The cloud showed the episode cleared before the lift was pressed again. */
  clearSeen: boolean;
  /** The cloud had a reading of the button up, taken after the release, before the lift was pressed again. */
  upSeen: boolean;
}

const polledId = (unit: number): string => `plift-${unit}`;
const iso = (ms: number): string => new Date(ms).toISOString();

/**
 * The gateway is killed with SIGKILL at random moments (seeded) while lifts keep sending status
 * frames and raising alarms, and started again on the same data_dir and config each time; then what
 * the devices produced is counted against what the cloud stored. Rounds wait on events (the local
 * broker listens, the run has polled, a burst's first PUBACK), then kill at a random moment.
 *
 * "Produced" differs by how a device reaches the gateway:
 * - a polled (Modbus TCP) lift monitor's alarm is a state of the device, button and trapped
 *   passenger, held until the cloud has the alarm event (half the presses also until a second
 *   gateway run has read the button held); the release is then held until the cloud shows the
 *   episode cleared. Every gateway run that polls meanwhile reads the state again, and must not
 *   count it as another press (edge/values/point-events.ts, levels kept with the rule state);
 * - an MQTT lift monitor's alarm is produced when the gateway's local broker has acknowledged it
 *   with a PUBACK; the device sends it, in order, until then (MqttLift). The embedded broker
 *   acknowledges a QoS 1 message only once what it means is in the outbox
 *   (edge/local-broker/embedded-broker.ts), so a kill at any moment must not lose it;
 * - a burst lift sends a press, two frames, a second press and the release at once, and after a
 *   reconnect sends again whatever has no PUBACK (BurstLift). Kills land after the first press's
 *   PUBACK, while the gateway takes in, commits and acknowledges the rest: what it took into its
 *   rule state and did not acknowledge comes again after the restart, and must change nothing twice.
 * Either way each alarm must become exactly one lift_entrapment ticket (its episode id the same
 * whichever run sends it), with its alarm event, and the clear that follows must reach the ticket.
 */
describe(`the gateway killed with SIGKILL under traffic (seed ${SEED})`, () => {
  const killRandom = seededRandom(SEED);
  let monitors: ModbusLiftMonitors;
  let rig: FaultRig;
  const lifts: MqttLift[] = [];
  const burstLifts: BurstLift[] = [];
  const presses: Press[] = [];
  const pending: Array<Promise<unknown>> = [];
  let stopping = false;
  /** Resolves when the kill rounds are over and the last gateway run is up for good. */
  let killsOver: () => void = () => undefined;
  const lastRun = new Promise<void>((resolve) => (killsOver = resolve));
  /** Set by a kill round: the next burst lift to send the rest of a burst kills the gateway. */
  let armedKill: (() => void) | null = null;
  let alarms: AlarmRecord[] = [];
  let bursts: BurstRecord[] = [];
  let tickets: TicketRow[] = [];
  let events: EventRow[] = [];
  let summary = '';

  const runAt = (at: number): GatewayRun | undefined => rig.runs.find((run) => run.spawnedAt <= at && (run.exitedAt === null || at <= run.exitedAt));

  /** One MQTT lift: a frame every FRAME_PERIOD_MS whether or not the gateway is up, now and then an alarm first. */
  const runMqttLift = async (lift: MqttLift, index: number): Promise<void> => {
    const random = seededRandom(SEED + 1 + index);
    while (!stopping) {
      if (random() < ALARM_CHANCE) pending.push(lift.alarm());
      pending.push(lift.frame());
      await sleep(FRAME_PERIOD_MS);
    }
  };

  /** One burst lift: a burst now and then; when a kill round is armed, the kill comes inside it. */
  const runBurstLift = async (lift: BurstLift, index: number): Promise<void> => {
    const random = seededRandom(SEED + 200 + index);
    while (!stopping) {
      await sleep(300 + random() * 1500);
      if (stopping) return;
      const burst = lift.startBurst();
      pending.push(burst.allAcked);
      await burst.firstAcked;
      burst.sendRest();
      const kill = armedKill;
      if (kill) {
        armedKill = null;
        await sleep(random() * KILL_IN_BURST_MAX_MS);
        await rig.killGateway();
        kill();
      }
      await burst.allAcked;
    }
  };

  const cloudHas = (what: string, query: string, params: unknown[]): Promise<boolean> =>
    eventually(
      what,
      async () => (await rig.sql.query(query, params)).rows.length > 0,
      DEVICE_WAIT_MS,
    ).catch(() => false);

  /** Resolves at the first alarm-button read that passes the test, from now or already logged since `since`. */
  const alarmRead = (since: number, test: (read: AlarmRead) => boolean): Promise<AlarmRead> => {
    const logged = monitors.alarmReads.find((read) => read.at >= since && test(read));
    return logged ? Promise.resolve(logged) : monitors.nextRead((read) => read.at >= since && test(read));
  };

  /** One polled lift: a press held until the cloud has its event (and maybe a restart), a release held until the cloud shows the clear. */
  const runPolledLift = async (unit: number): Promise<void> => {
    const device = polledId(unit);
    const random = seededRandom(SEED + 100 + unit);
    while (!stopping) {
      await sleep(500 + random() * 2000);
      if (stopping) return;
      const holdAcrossRestart = random() < HOLD_ACROSS_RESTART_CHANCE;
      const press: Press = { unit, pressedAt: Date.now(), releasedAt: null, clearSeen: false, upSeen: false };
      presses.push(press);
      monitors.press(unit);
      await cloudHas(
        `the alarm event of ${device} pressed at ${iso(press.pressedAt)}`,
        `SELECT 1 FROM events WHERE gateway_id = $1 AND device_id = $2 AND type = 'lift_alarm_button' AND event_time >= $3`,
        [rig.gatewayId, device, new Date(press.pressedAt - POLL_SLACK_MS)],
      );
      if (holdAcrossRestart) {
        const first = await alarmRead(press.pressedAt, (read) => read.unit === unit && read.pressed);
        const firstRun = runAt(first.at);
        await Promise.race([alarmRead(press.pressedAt, (read) => read.unit === unit && read.pressed && runAt(read.at) !== firstRun), lastRun]);
      }
      monitors.release(unit);
      press.releasedAt = Date.now();
      // A clear that never comes is counted at the end; the next press then tells whether the gateway
      // still had the episode open.
      press.clearSeen = await cloudHas(
        `the clear of ${device}'s episode`,
        `SELECT 1 FROM tickets WHERE gateway_id = $1 AND subject_id = $2 AND alert_state = 'cleared' AND (evidence->>'first_pressed_at')::timestamptz >= $3`,
        [rig.gatewayId, device, new Date(press.pressedAt - POLL_SLACK_MS)],
      );
      // A button level is sampled: a press is a rising edge only if the gateway saw the button up
      // before it, also across a restart. A reading of it up in the cloud says the gateway has that
      // level on disk (edge/pipeline/device-pipeline.ts keepPointLevels: committed before any frame
      // showing it goes to the outbox); a release and press again that no poll sees is no edge.
      press.upSeen = await cloudHas(
        `a reading of ${device}'s button up`,
        `SELECT 1 FROM readings WHERE gateway_id = $1 AND device_id = $2 AND point = 'alarm_button' AND value = 0 AND event_time >= $3`,
        [rig.gatewayId, device, new Date(press.pressedAt)],
      );
    }
  };

  const skippedRedeliveries = (): number => rig.logRecords().filter((record) => record.msg === SKIPPED_REDELIVERY).length;

  /**
   * One kill round on a freshly started run: early (a random moment of its start), inside the next
   * burst, or at a random moment once it listens and has polled.
   */
  const killRound = async (kind: 'early' | 'burst' | 'random'): Promise<void> => {
    const run = rig.current!;
    if (kind === 'early') {
      await sleep(killRandom() * 1500);
    } else {
      await rig.waitForLocalBroker();
      await alarmRead(run.spawnedAt, () => true); // its drivers run
      if (kind === 'burst') {
        await new Promise<void>((resolve) => (armedKill = resolve));
        return;
      }
      await sleep(killRandom() * 2500);
    }
    await rig.killGateway();
  };

  beforeAll(async () => {
    monitors = await ModbusLiftMonitors.start();
    rig = await FaultRig.start({
      name: 'gw-kill',
      gateway: {
        // info: the engine names every input it skips as taken in before
        log_level: 'info',
        buses: [{ id: 'lift-bus', transport: 'tcp', protocol: 'modbus_tcp', host: '127.0.0.1', port: monitors.port, timeout_ms: 500 }],
        devices: [
          ...Array.from({ length: MQTT_LIFTS }, (_, i) => mqttLiftDevice(`mlift-${i}`)),
          ...Array.from({ length: BURST_LIFTS }, (_, i) => mqttLiftDevice(`blift-${i}`)),
          ...Array.from({ length: POLLED_LIFTS }, (_, i) => ({
            id: polledId(i + 1),
            profile: 'lift_monitor_modbus_vendor',
            subject: { kind: 'asset' as const, id: polledId(i + 1) },
            bus: 'lift-bus',
            address: i + 1,
            poll_interval_s: POLL_INTERVAL_S,
          })),
        ],
      },
    });

    const startedAt = Date.now();
    rig.startGateway();
    await rig.waitForLocalBroker();
    for (let i = 0; i < MQTT_LIFTS; i++) lifts.push(MqttLift.connect(rig.localUrl, `mlift-${i}`));
    for (let i = 0; i < BURST_LIFTS; i++) burstLifts.push(BurstLift.connect(rig.localUrl, `blift-${i}`));
    // The traffic starts once readings of both kinds of lift have gone through to the cloud.
    await eventually(
      'readings of an MQTT and a polled lift in the cloud',
      async () => {
        await Promise.all(lifts.map((lift) => lift.frame()));
        const { rows } = await rig.sql.query(`SELECT DISTINCT device_id FROM readings WHERE gateway_id = $1 AND device_id IN ('mlift-0', 'plift-1')`, [rig.gatewayId]);
        return rows.length === 2;
      },
      60_000,
    );
    const traffic = [
      ...lifts.map((lift, index) => runMqttLift(lift, index)),
      ...burstLifts.map((lift, index) => runBurstLift(lift, index)),
      ...Array.from({ length: POLLED_LIFTS }, (_, i) => runPolledLift(i + 1)),
    ];

    let rounds = 0;
    for (; rounds < ROUNDS; rounds++) {
      if (rounds > 0) rig.startGateway();
      const draw = killRandom();
      await killRound(draw < EARLY_KILL_CHANCE ? 'early' : draw < EARLY_KILL_CHANCE + BURST_KILL_CHANCE ? 'burst' : 'random');
      await sleep(killRandom() * 1500);
    }
    // Until a restarted gateway has been sent again an input it took in before its kill (the case
    // this test is about) burst rounds go on: each run takes in what the previous kill left unacknowledged.
    for (let extra = 0; extra < MAX_EXTRA_BURST_ROUNDS && skippedRedeliveries() === 0; extra++, rounds++) {
      rig.startGateway();
      await killRound('burst');
    }
    rig.startGateway();
    killsOver();
    await rig.waitForLocalBroker();
    await sleep(3000);
    stopping = true;
    await Promise.all(traffic);
    await Promise.all(pending); // every frame, alarm and burst acknowledged, the last by the final run
    const trafficEndedAt = Date.now();

    alarms = lifts.flatMap((lift) => lift.alarms);
    bursts = burstLifts.flatMap((lift) => lift.bursts);
    // Tickets and their clears (the urgent lane), and the alarm events (the telemetry lane, which
    // may come in after the tickets): one per MQTT alarm and polled press, two per burst.
    await rig.settle(async () => {
      const { rows } = await rig.sql.query<{ n: string }>(
        `SELECT (SELECT count(*) FROM tickets WHERE gateway_id = $1 AND type = 'lift_entrapment')
              + (SELECT count(*) FROM tickets WHERE gateway_id = $1 AND type = 'lift_entrapment' AND alert_state = 'cleared')
              + (SELECT count(*) FROM events WHERE gateway_id = $1 AND type = 'lift_alarm_button') AS n`,
        [rig.gatewayId],
      );
      return Number(rows[0]!.n);
    }, 2 * (alarms.length + presses.length + bursts.length) + alarms.length + presses.length + 2 * bursts.length);
    [tickets, events] = await Promise.all([rig.tickets(), rig.events('lift_alarm_button')]);
    summary =
      `seed ${SEED}: ${rig.runs.length} gateway runs, ${rounds} SIGKILLs, traffic for ${Math.round((trafficEndedAt - startedAt) / 1000)} s; ` +
      `${alarms.length} MQTT alarms, ${bursts.length} bursts, ${presses.length} polled presses; ${tickets.length} tickets, ${events.length} alarm events`;
    console.log(summary);
  }, 30 * 60_000);

  afterAll(async () => {
    stopping = true;
    killsOver();
    await Promise.allSettled([...lifts, ...burstLifts].map((lift) => lift.close()));
    await rig?.close();
    await monitors?.stop();
  });

  const ofPress = (press: Press, at: number | null): boolean => at !== null && at >= press.pressedAt - POLL_SLACK_MS && at <= (press.releasedAt ?? Infinity);
  const ofAlarm = (alarm: AlarmRecord, at: number | null): boolean => at === alarm.time;
  /** A lost poll (a run that starts slowly misses polls of the 250 ms lifts) is a device_offline ticket: true, and not what is counted here. */
  const entrapments = (): TicketRow[] => tickets.filter((t) => t.type === 'lift_entrapment');

  it('turns every polled alarm into exactly one ticket, one press and one alarm event, whichever runs read it held', () => {
    const problems: string[] = [];
    let readAgain = 0;
    for (const press of presses) {
      const device = polledId(press.unit);
      const mine = entrapments().filter((t) => t.subject_id === device && ofPress(press, t.first_pressed_at));
      const stored = events.filter((e) => e.device_id === device && ofPress(press, e.event_time));
      const readers = new Set(
        monitors.alarmReads.filter((r) => r.unit === press.unit && r.pressed && r.at >= press.pressedAt && r.at <= (press.releasedAt ?? Infinity)).map((r) => runAt(r.at)?.index),
      );
      if (readers.size > 1) readAgain++;
      const ok = mine.length === 1 && mine[0]!.alert_state === 'cleared' && mine[0]!.press_count === 1 && stored.length === 1;
      if (!ok) {
        const previous = presses.filter((p) => p.unit === press.unit && p.pressedAt < press.pressedAt).at(-1);
        problems.push(
          `${previous && !previous.upSeen ? '(the button up after the previous press never seen) ' : ''}${device} pressed at ${iso(press.pressedAt)}, released ${press.releasedAt === null ? 'never' : `${press.releasedAt - press.pressedAt} ms later`}: ` +
            `${mine.length} tickets (${mine.map((t) => `${t.episode_id} ${t.alert_state} rev ${t.alert_revision}, ${t.press_count} presses`).join(', ')}), ${stored.length} alarm events, ` +
            `read as pressed by runs ${[...readers].join(',')}; clear ${press.clearSeen ? 'seen' : 'not seen'}, button up ${press.upSeen ? 'seen' : 'not seen'} before the next press`,
        );
      }
    }
    const strays = entrapments().filter((t) => t.subject_id.startsWith('plift-') && !presses.some((p) => t.subject_id === polledId(p.unit) && ofPress(p, t.first_pressed_at)));
    for (const ticket of strays) problems.push(`ticket of no press: ${JSON.stringify(ticket)}`);
    console.log(`${presses.length} polled presses, ${readAgain} read as pressed by more than one gateway run`);
    expect(problems, `${summary}; ${problems.length} polled presses miscounted (repeat with ESTATECARE_FAULT_SEED=${SEED})`).toEqual([]);
    expect(readAgain, 'presses held through a restart').toBeGreaterThan(0);
  });

  it('opens no second ticket and stores no second event for an MQTT alarm delivered again after a restart', () => {
    const problems: string[] = [];
    let resent = 0;
    for (const alarm of alarms) {
      const mine = tickets.filter((t) => t.subject_id === alarm.lift && ofAlarm(alarm, t.first_pressed_at));
      const stored = events.filter((e) => e.device_id === alarm.lift && ofAlarm(alarm, e.event_time));
      const sentTo = runAt(alarm.sentAt!);
      if (sentTo && sentTo !== runAt(alarm.ackedAt!)) resent++;
      if (mine.length > 1 || stored.length > 1) problems.push(`MQTT alarm ${alarm.lift} seq ${alarm.seq} at ${iso(alarm.time)}: ${mine.length} tickets, ${stored.length} alarm events`);
    }
    const strays = tickets.filter((t) => t.subject_id.startsWith('mlift-') && !alarms.some((a) => t.subject_id === a.lift && ofAlarm(a, t.first_pressed_at)));
    for (const ticket of strays) problems.push(`ticket of no alarm: ${JSON.stringify(ticket)}`);
    console.log(`${alarms.length} MQTT alarms, ${resent} sent to a run that died before its PUBACK and acknowledged by a later one`);
    expect(problems, `${summary} (repeat with ESTATECARE_FAULT_SEED=${SEED})`).toEqual([]);
    // A run that dies leaves the polled lifts unread until the next one: offline tickets for them, or
    // one for their bus when most of it fell silent at once (edge/rules/devices/bus-outage.ts).
    const pollingDown = (t: TicketRow): boolean => t.type === 'device_offline' && (t.subject_id.startsWith('plift-') || t.subject_id === busSubjectId('lift-bus'));
    expect(tickets.filter((t) => t.type !== 'lift_entrapment' && !pollingDown(t))).toEqual([]);
  });

  it('turns every MQTT alarm the local broker acknowledged into one ticket, one alarm event and a clear', () => {
    const problems: string[] = [];
    for (const alarm of alarms) {
      const mine = tickets.filter((t) => t.subject_id === alarm.lift && ofAlarm(alarm, t.first_pressed_at));
      const stored = events.filter((e) => e.device_id === alarm.lift && ofAlarm(alarm, e.event_time));
      if (mine.length === 1 && mine[0]!.alert_state === 'cleared' && stored.length === 1) continue;
      const run = runAt(alarm.ackedAt!);
      const where = !run ? 'acknowledged while no gateway run was alive' : `acknowledged by run ${run.index}, ${run.killedAt === null ? 'the last one' : `${run.killedAt - alarm.ackedAt!} ms before it was killed`}`;
      problems.push(
        `MQTT alarm ${alarm.lift} seq ${alarm.seq} at ${iso(alarm.time)}: ${mine.length} tickets${mine.length === 1 ? ` (${mine[0]!.alert_state} rev ${mine[0]!.alert_revision})` : ''}, ${stored.length} alarm events; ${where}`,
      );
    }
    expect(problems, `${summary}; ${problems.length} of ${alarms.length} acknowledged MQTT alarms not delivered in full (repeat with ESTATECARE_FAULT_SEED=${SEED})`).toEqual([]);
  });

  it('turns every burst, killed inside or not, into one ticket with both presses counted once, and its clear', () => {
    const problems: string[] = [];
    let killedInside = 0;
    for (const burst of bursts) {
      const [press1, , , press2, release] = burst.messages;
      const mine = tickets.filter((t) => t.subject_id === burst.lift && t.first_pressed_at === press1!.time);
      const stored = events.filter((e) => e.device_id === burst.lift && (e.event_time === press1!.time || e.event_time === press2!.time));
      // Killed inside: a run acknowledged part of the burst and died before acknowledging the rest it was sent.
      const inside = rig.runs.some(
        (run) =>
          run.killedAt !== null &&
          burst.messages.some((m) => m.ackedAt !== null && m.ackedAt <= run.killedAt! && m.ackedAt >= run.spawnedAt) &&
          burst.messages.some((m) => m.sentAt.some((at) => at >= run.spawnedAt && at <= run.killedAt!) && (m.ackedAt === null || m.ackedAt > run.killedAt!)),
      );
      if (inside) killedInside++;
      if (mine.length === 1 && mine[0]!.alert_state === 'cleared' && mine[0]!.press_count === 2 && stored.length === 2) continue;
      problems.push(
        `burst of ${burst.lift} from ${iso(press1!.time)}${inside ? ', killed inside' : ''}: ${mine.length} tickets (${mine.map((t) => `${t.alert_state} rev ${t.alert_revision}, ${t.press_count} presses`).join(', ')}), ` +
          `${stored.length} alarm events; messages sent ${burst.messages.map((m) => m.sentAt.length).join('/')} times, the release first ${release!.sentAt[0]! - release!.time} ms after its time, acknowledged ${release!.ackedAt === null ? 'never' : iso(release!.ackedAt)}`,
      );
    }
    const strays = tickets.filter((t) => t.subject_id.startsWith('blift-') && !bursts.some((b) => t.subject_id === b.lift && t.first_pressed_at === b.messages[0]!.time));
    for (const ticket of strays) problems.push(`ticket of no burst: ${JSON.stringify(ticket)}`);
    const skipped = skippedRedeliveries();
    // A release sent before its own time is received before it too: its stamp is ahead of the gateway's clock.
    const releaseSentAfterItsTime = bursts.map((burst) => burst.messages[4]!.sentAt[0]! - burst.messages[4]!.time);
    const sentBeforeItsTime = releaseSentAfterItsTime.filter((ms) => ms < 0).length;
    console.log(
      `${bursts.length} bursts (${2 * bursts.length} presses), ${killedInside} killed inside, ${sentBeforeItsTime} with the release sent before its time ` +
        `(${Math.min(...releaseSentAfterItsTime)} ms after it at the least); ${skipped} inputs delivered again after a restart and skipped by the rules`,
    );
    expect(problems, `${summary}; ${problems.length} of ${bursts.length} bursts miscounted (repeat with ESTATECARE_FAULT_SEED=${SEED})`).toEqual([]);
    expect(bursts.length, 'bursts sent').toBeGreaterThan(0);
    expect(killedInside, 'kills inside a burst').toBeGreaterThan(0);
    expect(skipped, 'inputs taken in before a kill, delivered again and skipped').toBeGreaterThan(0);
  });
});
