import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../shared/log/logger.js';
import { createDefaultRules } from '../../../edge/rules/default-rules.js';
import { RuleEngine } from '../../../edge/rules/rule-engine.js';
import { SqliteRuleStateStore } from '../../../edge/rules/state/sqlite-rule-state-store.js';
import { DOOR, LIFT, METER, MINUTE, OPEN_AT_LANDING, SECOND, STOPPED_OUTSIDE_ZONE, T0, brief, event, frame, liftFrame } from './engine-harness.js';

/**
 * Issue 4: "a restart or power cut neither loses a running timer nor fires an alert twice", on the
 * real store: SQLite in WAL mode in a temp folder.
 */
describe('rule engine on SQLite across restarts and power cuts', () => {
  let dir: string;
  let path: string;
  const engines: RuleEngine[] = [];
  const open = (autoCommit = true, keepUnsent = false): RuleEngine => {
    const engine = new RuleEngine({ rules: createDefaultRules(), store: new SqliteRuleStateStore(path), devices: [LIFT, METER, DOOR], logger: silentLogger(), autoCommit, keepUnsent });
    engines.push(engine);
    return engine;
  };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'estatecare-restart-'));
    path = join(dir, 'gateway-state.sqlite');
  });
  afterEach(() => {
    for (const engine of engines.splice(0)) engine.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a clean restart in the middle of an entrapment timer: it fires once, at its time', () => {
    const before = open();
    expect(before.onReadings(liftFrame(T0, STOPPED_OUTSIDE_ZONE))).toEqual([]);
    expect(before.advanceTo(T0 + 5 * SECOND)).toEqual([]);
    before.close();

    const after = open();
    expect(after.advanceTo(T0 + 14 * SECOND)).toEqual([]);
    const alerts = after.advanceTo(T0 + 16 * SECOND);
    expect(brief(alerts)).toEqual(['08:00:15.000 raised lift_entrapment lift-b1-a']);
    expect(after.advanceTo(T0 + 10 * MINUTE - SECOND).filter((a) => a.rule === 'lift_entrapment')).toEqual([]);
  });

  it('a power cut (no close; a second connection opens the file) keeps the timer and raises once', () => {
    const killed = open();
    killed.onReadings(liftFrame(T0, STOPPED_OUTSIDE_ZONE));
    killed.advanceTo(T0 + 5 * SECOND);
    // The process is gone without closing anything; the gateway comes back 2 minutes later.
    const after = open();
    const alerts = after.advanceTo(T0 + 2 * MINUTE);
    expect(brief(alerts)).toEqual(['08:00:15.000 raised lift_entrapment lift-b1-a']);
    expect(alerts[0]?.evidence).toMatchObject({ stop: 'outside_door_zone', stopped_s: 15, floor: 7 });
  });

  it('does not raise an open episode again after a restart; the next press is an update of it', () => {
    const first = open();
    const [raised] = first.onEvent(event(LIFT, T0, 'lift_alarm_button'));
    first.close();
    const second = open();
    expect(second.activeEpisodes().map((e) => e.episode_id)).toEqual([raised!.episode_id]);
    const [again] = second.onEvent(event(LIFT, T0 + 30 * SECOND, 'lift_alarm_button'));
    expect(again).toMatchObject({ state: 'updated', revision: 2, episode_id: raised!.episode_id, evidence: { press_count: 2 } });
    const [cleared] = second.onReadings(liftFrame(T0 + MINUTE, OPEN_AT_LANDING));
    expect(cleared).toMatchObject({ state: 'cleared', revision: 3 });
  });

  it('loses an uncommitted batch whole on a power cut, and raises it again with the same ids', () => {
    const killed = open(false);
    const [raised] = killed.onEvent(event(LIFT, T0, 'lift_alarm_button'));
    // Power cut before the batch was committed: nothing of it is on disk...
    const after = open(false);
    expect(after.activeEpisodes()).toEqual([]);
    // ...and the monitor's retransmission raises the same episode, with the same alert id (the cloud dedupes).
    const [again] = after.onEvent(event(LIFT, T0, 'lift_alarm_button'));
    expect(again).toEqual(raised);
  });

  it('gives a device its full silence limit after the gateway was down, instead of blaming it for the downtime', () => {
    const before = open();
    before.onReadings(frame(METER, T0, { active_power: 0.2 }));
    before.close();
    // Down for an hour; the meter (30 s polls, 3 missed) has not been heard since T0.
    const after = open();
    expect(after.advanceTo(T0 + 60 * MINUTE)).toEqual([]);
    expect(brief(after.advanceTo(T0 + 60 * MINUTE + 90 * SECOND))).toEqual(['09:01:30.000 raised device_offline meter-1203']);
  });
  it('a power cut after a commit that saved an alert-raising change, before the outbox had the alert: the alert comes back', () => {
    // As the gateway runs it: commits per batch, alerts kept until the outbox has them.
    const killed = open(false, true);
    killed.onReadings(liftFrame(T0, STOPPED_OUTSIDE_ZONE));
    const raised = killed.advanceTo(T0 + 16 * SECOND);
    expect(brief(raised)).toEqual(['08:00:15.000 raised lift_entrapment lift-b1-a']);
    killed.commit(); // the episode is open on disk; the alert has not reached the outbox

    const restarted = open(false, true);
    expect(restarted.unsent()).toEqual(raised.map((item) => ({ channel: 'alerts', item })));
    // The episode stays open: nothing is raised a second time, so the unsent alert is the only copy.
    expect(restarted.advanceTo(T0 + 30 * SECOND).filter((a) => a.rule === 'lift_entrapment')).toEqual([]);
    restarted.handedOver('alerts', raised.map((alert) => alert.id));
    restarted.commit();

    expect(open(false, true).unsent()).toEqual([]);
  });
});
