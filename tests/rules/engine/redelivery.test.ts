import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../shared/log/logger.js';
import { createDefaultRules } from '../../../edge/rules/default-rules.js';
import { REMEMBERED_INPUTS_PER_DEVICE } from '../../../edge/rules/engine/input-memory.js';
import { RuleEngine } from '../../../edge/rules/rule-engine.js';
import type { DeviceInfo } from '../../../edge/rules/rule.js';
import { SqliteRuleStateStore } from '../../../edge/rules/state/sqlite-rule-state-store.js';
import { DOOR, LIFT, METER, STOPPED_IN_ZONE_CLOSED, T0, event, frame, liftFrame, type LiftValues } from './engine-harness.js';

const EMPTY_CAR: LiftValues = { ...STOPPED_IN_ZONE_CLOSED, passenger_status: 0 };
const LIFT_2: DeviceInfo = { ...LIFT, id: 'lift-b2-a', subject: { kind: 'asset', id: 'lift-b2-a' } };
/** A lift monitor on a field bus: the gateway polls it, so no device ever sends its frames again. */
const POLLED_LIFT: DeviceInfo = { ...LIFT, id: 'lift-b3-a', subject: { kind: 'asset', id: 'lift-b3-a' }, profile: 'lift_monitor_modbus_vendor', pollIntervalMs: 250 };

/**
 * A device sends again what the gateway did not acknowledge (MQTT 3.1.1 section 4.4), and the
 * gateway may have taken it into its rule state before it was killed. A burst as a lift monitor
 * flushes it: a press, a frame, a second press, the release. On the real store, restarted the way a
 * kill -9 leaves it (no close; a new connection opens the file).
 */
describe('rule engine: an input delivered again after a restart', () => {
  let dir: string;
  let path: string;
  const engines: RuleEngine[] = [];
  /** As the gateway runs it: commits per batch, alerts and events kept until the outbox has them. */
  const open = (): RuleEngine => {
    const engine = new RuleEngine({ rules: createDefaultRules(), store: new SqliteRuleStateStore(path), devices: [LIFT, LIFT_2, POLLED_LIFT, METER, DOOR], logger: silentLogger(), autoCommit: false, keepUnsent: true });
    engines.push(engine);
    return engine;
  };

  const press1 = event(LIFT, T0, 'lift_alarm_button');
  const trapped = liftFrame(T0 + 100, STOPPED_IN_ZONE_CLOSED);
  const press2 = event(LIFT, T0 + 200, 'lift_alarm_button');
  const release = liftFrame(T0 + 300, EMPTY_CAR);
  const feed = (engine: RuleEngine, inputs: ReadonlyArray<typeof press1 | typeof trapped>): string[] =>
    inputs.flatMap((input) => ('type' in input ? engine.onEvent(input) : engine.onReadings(input))).map((alert) => `${alert.state} ${alert.episode_id.slice(0, 8)} presses ${String(alert.evidence.press_count)}`);

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'estatecare-redelivery-'));
    path = join(dir, 'gateway-state.sqlite');
  });
  afterEach(() => {
    for (const engine of engines.splice(0)) engine.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('opens no second episode when the rest of a burst comes again after the episode was cleared', () => {
    const killed = open();
    const first = feed(killed, [press1, trapped, press2, release]);
    expect(first).toHaveLength(3); // raised, press 2, cleared
    killed.commit(); // the whole burst is in the state; only the first press was acknowledged

    const restarted = open();
    expect(feed(restarted, [trapped, press2, release])).toEqual([]);
    expect(restarted.activeEpisodes()).toEqual([]);
  });

  it('counts a press delivered again into an open episode once', () => {
    const killed = open();
    feed(killed, [press1, trapped, press2]);
    killed.commit();

    const restarted = open();
    expect(feed(restarted, [press2])).toEqual([]);
    expect(restarted.activeEpisodes()[0]?.evidence.press_count).toBe(2);
    // The next real press is still counted.
    const [third] = restarted.onEvent(event(LIFT, T0 + 400, 'lift_alarm_button'));
    expect(third?.evidence.press_count).toBe(3);
  });

  it('takes an input in again when the kill came before the commit that held it: nothing is lost', () => {
    const killed = open();
    const raised = killed.onEvent(press1);
    killed.commit();
    const counted = killed.onEvent(press2); // handled, never committed
    expect(counted).toHaveLength(1);

    const restarted = open();
    expect(restarted.onEvent(press1)).toEqual([]);
    expect(restarted.onEvent(press2)).toEqual(counted);
    expect(raised[0]?.episode_id).toBe(counted[0]?.episode_id);
  });

  it('skips a frame delivered again (by its readings\' ids) without a restart, as after a lost PUBACK', () => {
    const engine = open();
    const cleared = feed(engine, [press1, trapped, press2, release]).slice(-1);
    expect(cleared).toEqual([expect.stringMatching(/^cleared /)]);
    // The device did not get its PUBACKs and sends the burst again on the same gateway run.
    expect(feed(engine, [press1, trapped, press2, release])).toEqual([]);
  });

  it('still takes in a new message with the same content and a new id', () => {
    const engine = open();
    engine.onEvent(press1);
    const again = { ...press1, id: 'another-message-id' };
    expect(engine.onEvent(again).map((alert) => alert.evidence.press_count)).toEqual([2]);
  });

  it(`remembers the last ${REMEMBERED_INPUTS_PER_DEVICE} inputs of each device that pushes, whatever other devices send`, () => {
    const engine = open();
    engine.onEvent(press1);
    // Another lift floods the gateway: it does not push the first lift's inputs out.
    for (let i = 1; i <= REMEMBERED_INPUTS_PER_DEVICE + 10; i++) engine.onReadings(liftFrame(T0 + i, EMPTY_CAR, LIFT_2));
    engine.commit();
    const restarted = open();
    expect(restarted.onEvent(press1)).toEqual([]);
    // The flooding lift's oldest inputs are beyond the bound: forgotten, and the newest are not.
    expect(restarted.onReadings(liftFrame(T0 + REMEMBERED_INPUTS_PER_DEVICE + 10, EMPTY_CAR, LIFT_2))).toEqual([]);
    expect(takenIdsOf(LIFT_2.id)).toBe(REMEMBERED_INPUTS_PER_DEVICE);
  });

  it('keeps no ids of a polled device: the gateway reads it, and no poll repeats', () => {
    const engine = open();
    for (let i = 0; i < 5; i++) engine.onReadings(frame(POLLED_LIFT, T0 + i * 250, STOPPED_IN_ZONE_CLOSED as Record<string, number>));
    engine.commit();
    expect(takenIdsOf(POLLED_LIFT.id)).toBe(0);
  });

  it('keeps the point levels a driver hands it in the same commit as the state, across a restart', () => {
    const engine = open();
    engine.keepPointLevels(POLLED_LIFT.id, { alarm_button: 1, fault_code: 0 });
    expect(engine.pointLevels(POLLED_LIFT.id)).toEqual({ alarm_button: 1, fault_code: 0 });
    expect(open().pointLevels(POLLED_LIFT.id)).toBeUndefined(); // not committed yet: a kill now forgets it
    engine.commit();
    expect(open().pointLevels(POLLED_LIFT.id)).toEqual({ alarm_button: 1, fault_code: 0 });
  });

  it('keeps events handed to it until the outbox has them, with the state they changed', () => {
    const engine = open();
    const alerts = engine.onEvent(press1);
    engine.keepUnsentEvents([press1]);
    engine.commit();
    const restarted = open();
    expect(restarted.unsent()).toEqual([...alerts.map((item) => ({ channel: 'alerts', item })), { channel: 'events', item: press1 }]);
    restarted.handedOver('events', [press1.id]);
    restarted.handedOver('alerts', alerts.map((alert) => alert.id));
    restarted.commit();
    expect(open().unsent()).toEqual([]);
  });

  /** Input ids of a device on disk. */
  function takenIdsOf(device: string): number {
    const store = new SqliteRuleStateStore(path);
    try {
      return store.load().takenInputs.filter((row) => row.device === device).length;
    } finally {
      store.close();
    }
  }
});
