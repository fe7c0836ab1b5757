import { appendFileSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { toWireTime, type AlertItem } from '../../../shared/contract/index.js';
import { silentLogger } from '../../../shared/log/logger.js';
import { ManualClock } from '../../../shared/time/clock.js';
import { createDefaultRules } from '../../../edge/rules/default-rules.js';
import { backtest } from '../../../edge/rules/engine/backtest.js';
import type { EngineInput } from '../../../edge/rules/engine/engine-input.js';
import { InputRecorder } from '../../../edge/rules/engine/input-recorder.js';
import { recordingsDir } from '../../../edge/storage/data-dir.js';
import { readRecording } from '../../../edge/rules/engine/recording-reader.js';
import { runCli } from '../../support/cli.js';
import { DOOR, LIFT, MINUTE, OPEN_AT_LANDING, SECOND, STOPPED_OUTSIDE_ZONE, T0, event, liftFrame, memoryEngine, rulesConfig } from './engine-harness.js';

const dir = mkdtempSync(join(tmpdir(), 'estatecare-backtest-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A lift incident: stopped outside the door zone from 08:00:10, alarm at 08:00:12, released at 08:01:00. */
const INCIDENT: EngineInput[] = [
  { kind: 'readings', frame: liftFrame(T0, OPEN_AT_LANDING) },
  ...Array.from({ length: 50 }, (_, i): EngineInput[] => [
    { kind: 'readings', frame: liftFrame(T0 + (10 + i) * SECOND, STOPPED_OUTSIDE_ZONE) },
    ...(i === 2 ? [{ kind: 'event', item: event(LIFT, T0 + 12 * SECOND, 'lift_alarm_button') } as const] : []),
  ]).flat(),
  { kind: 'readings', frame: liftFrame(T0 + MINUTE, OPEN_AT_LANDING) },
  { kind: 'availability', device_id: DOOR.id, online: false, reason: 'local_broker_unreachable', at: toWireTime(T0 + 2 * MINUTE) },
  ...Array.from({ length: 5 }, (_, i): EngineInput => ({ kind: 'tick', at: toWireTime(T0 + (3 + i) * MINUTE) })),
];

describe('recording and backtest', () => {
  it('records inputs as JSON lines per UTC day, ticks at most once a minute, and reads them back', async () => {
    const clock = new ManualClock(Date.parse('2026-11-24T23:59:59.000Z'));
    const recorder = new InputRecorder(recordingsDir(join(dir, 'gw')), clock, silentLogger());
    for (let i = 0; i < 120; i++) recorder.record({ kind: 'tick', at: toWireTime(T0 + i * SECOND) });
    recorder.record(INCIDENT[0]!);
    clock.advance(2 * SECOND); // midnight UTC: a new file
    recorder.record(INCIDENT[1]!);
    recorder.close();
    const files = readdirSync(recordingsDir(join(dir, 'gw'))).sort();
    expect(files).toEqual(['2026-11-24.jsonl', '2026-11-25.jsonl']);
    appendFileSync(join(recordingsDir(join(dir, 'gw')), files[1]!), '{"kind":"readings","frame":{"device_'); // torn by a power cut
    const lines = [];
    for await (const line of readRecording(recordingsDir(join(dir, 'gw')))) lines.push(line);
    expect(lines.map((line) => (line.ok ? line.input.kind : 'bad'))).toEqual(['tick', 'tick', 'readings', 'readings', 'bad']);
    expect(lines[4]).toMatchObject({ ok: false, where: expect.stringMatching(/2026-11-25\.jsonl:2$/) });
  });

  it('replays a recording to the same alerts the engine gave live, and with other thresholds', async () => {
    const live = memoryEngine({ rules: createDefaultRules(), devices: [LIFT, DOOR] }).handleBatch(INCIDENT);
    const file = join(dir, 'incident.jsonl');
    writeFileSync(file, INCIDENT.map((input) => JSON.stringify(input)).join('\n') + '\n');
    const replay = async (config = rulesConfig()): Promise<AlertItem[]> => {
      const alerts: AlertItem[] = [];
      const summary = await backtest(readRecording(file), { rules: createDefaultRules(), devices: [LIFT, DOOR], config, logger: silentLogger(), onAlert: (a) => alerts.push(a), onSkipped: () => undefined });
      expect(summary.inputs).toEqual({ event: 1, readings: 52, availability: 1, tick: 5 });
      return alerts;
    };
    const replayed = await replay();
    expect(replayed).toEqual(live);
    expect(replayed.map((a) => `${a.event_time.slice(11, 19)} ${a.state}`)).toEqual(['08:00:12 raised', '08:00:25 updated', '08:01:00 cleared']);
    const stricter = await replay(rulesConfig({ lifts: { defaults: { entrapment: { outside_door_zone_s: 60 } } } }));
    expect(stricter.map((a) => `${a.event_time.slice(11, 19)} ${a.state}`)).toEqual(['08:00:12 raised', '08:01:00 cleared']);
  });

  it('estatecare backtest prints each alert change and a summary, and exits 0', async () => {
    const gateway = join(dir, 'gateway.yaml');
    writeFileSync(
      gateway,
      [
        'gateway: { id: gw-backtest }',
        'uplink: { url: "mqtt://127.0.0.1:1883" }',
        `data_dir: ${join(dir, 'gw-data')}`,
        'devices:',
        `  - { id: ${LIFT.id}, profile: lift_monitor_gbt24476, subject: { kind: asset, id: ${LIFT.id} }, mqtt: { topic: estate/lift } }`,
        `  - { id: ${DOOR.id}, profile: door_controller_generic, subject: { kind: asset, id: b1-entrance }, mqtt: { topic: estate/door } }`,
      ].join('\n'),
    );
    const rules = join(dir, 'rules.yaml');
    writeFileSync(rules, 'lifts:\n  defaults:\n    entrapment: { outside_door_zone_s: 20 }\n');
    const recording = join(dir, 'cli.jsonl');
    writeFileSync(recording, `${INCIDENT.map((input) => JSON.stringify(input)).join('\n')}\nnot json\n`);
    const run = runCli(['backtest', '--config', gateway, '--input', recording, '--rules-config', rules]);
    expect(await run.exited).toBe(0);
    const out = run.stdout();
    expect(out).toMatch(/2026-11-24T08:00:12\.000Z {2}raised {3}lift_entrapment {3}asset lift-b1-a +critical +Alarm button pressed in lift lift-b1-a/);
    expect(out).toMatch(/2026-11-24T08:00:30\.000Z {2}updated .*for 20 s with someone inside/);
    expect(out).toMatch(/2026-11-24T08:01:00\.000Z {2}cleared /);
    expect(out).toMatch(/replayed 59 inputs \(52 reading frames, 1 events, 1 availability changes, 5 ticks\), 2026-11-24T08:00:00\.000Z to 2026-11-24T08:07:00\.000Z; 1 lines skipped/);
    expect(out).toMatch(/alert changes: 1 raised, 1 updated, 1 cleared/);
    expect(out).toMatch(/ {2}lift_entrapment {3}1 raised, 1 updated, 1 cleared/);
    expect(out).toMatch(/open at the end: 0/);
    expect(run.stderr()).toMatch(/skipped .*cli\.jsonl:60: not JSON/);
    expect(readdirSync(dir)).not.toContain('gw-data'); // a backtest writes nothing of the gateway's
  });

  it('estatecare backtest --json prints one object per alert change; --until lets a timer due after the last input fire', async () => {
    const gateway = join(dir, 'gateway.yaml');
    // Stopped outside the door zone from 08:00:10, and the recording ends at 08:00:12: the 15 s timer is due at 08:00:25.
    const recording = join(dir, 'cut-short.jsonl');
    writeFileSync(recording, `${INCIDENT.slice(0, 4).map((input) => JSON.stringify(input)).join('\n')}\n`);
    const withoutEnd = runCli(['backtest', '--config', gateway, '--input', recording, '--json']);
    expect(await withoutEnd.exited).toBe(0);
    expect(withoutEnd.stdout()).toBe('');
    const withEnd = runCli(['backtest', '--config', gateway, '--input', recording, '--json', '--until', '2026-11-24T16:05:00+08:00']);
    expect(await withEnd.exited).toBe(0);
    const changes = withEnd.stdout().trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(changes).toEqual([expect.objectContaining({ event_time: '2026-11-24T08:00:25.000Z', state: 'raised', category: 'lift_entrapment', rule: expect.any(String), reason: expect.objectContaining({ zh: expect.any(String) }) })]);
    const badEnd = runCli(['backtest', '--config', gateway, '--input', recording, '--until', 'tomorrow']);
    expect(await badEnd.exited).toBe(2);
    expect(badEnd.stderr()).toContain('--until must be an ISO 8601 time');
  });

  it('estatecare backtest --help documents the recording format', async () => {
    const run = runCli(['backtest', '--help']);
    expect(await run.exited).toBe(0);
    expect(run.stdout()).toContain('--config FILE');
    expect(run.stdout()).toContain('--until TIME');
    expect(run.stdout()).toContain('{"kind":"tick","at":');
  });
});
