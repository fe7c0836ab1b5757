import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { validateConfig } from '../../../shared/config/load-config.js';
import { toWireTime, type AlertItem } from '../../../shared/contract/index.js';
import { silentLogger } from '../../../shared/log/logger.js';
import { ManualClock } from '../../../shared/time/clock.js';
import { GatewayConfigSchema } from '../../../edge/config/gateway-config.js';
import { createGateway, type Gateway } from '../../../edge/gateway.js';
import { recordingsDir } from '../../../edge/storage/data-dir.js';
import { gatewayStatePath } from '../../../edge/storage/data-dir.js';
import { SqliteRuleStateStore } from '../../../edge/rules/state/sqlite-rule-state-store.js';
import { PROFILES_DIR } from '../../edge/edge-fixtures.js';
import { eventually, freePort } from '../../support/net.js';
import { connectTestDevice, testDeviceCredentials } from '../../support/device-logins.js';

/**
 * The gateway's own wiring of the rules: state in a SQLite file in data_dir that outlives a restart,
 * the wall-clock tick, and the recording of its inputs. The cloud is unreachable: alerts stay in the
 * outbox, which is all this needs.
 */
describe('gateway rules: SQLite state, restart, recording', () => {
  const dataDir = join(mkdtempSync(join(tmpdir(), 'estatecare-gw-rules-')), 'data');
  const gatewayId = 'gw-rules-test';
  afterAll(() => rmSync(join(dataDir, '..'), { recursive: true, force: true }));

  const build = async (clock: ManualClock): Promise<{ gateway: Gateway; alerts: AlertItem[] }> => {
    const config = validateConfig(
      GatewayConfigSchema,
      {
        gateway: { id: gatewayId },
        uplink: { url: `mqtt://127.0.0.1:${await freePort()}`, reconnect_period_ms: 60_000 },
        local_broker: { embedded: true, port: 0, device_credentials: testDeviceCredentials(['lift-1']) },
        data_dir: dataDir,
        record_inputs: true,
        devices: [{ id: 'lift-1', profile: 'lift_monitor_gbt24476', subject: { kind: 'asset', id: 'lift-1' }, mqtt: { topic: 'lift/1' } }],
      },
      'test',
      { env: {} },
    );
    const gateway = createGateway(config, { logger: silentLogger(), profilesDir: PROFILES_DIR, clock });
    const alerts: AlertItem[] = [];
    gateway.onAlert((alert) => alerts.push(alert));
    return { gateway, alerts };
  };

  it('touches no file until started, keeps a running entrapment timer over a restart, and fires it once', async () => {
    const start = Date.now();
    const clock = new ManualClock(start);
    const first = await build(clock);
    expect(existsSync(dataDir)).toBe(false);
    await first.gateway.start();
    const device = await connectTestDevice(first.gateway.localBrokerUrl, 'lift-1');
    await device.publishAsync('lift/1', JSON.stringify({ time: toWireTime(start), seq: 1, car_status: 0, door_zone: 2, door_status: 1, passenger_status: 1, car_position: 3 }), { qos: 1 });
    await device.endAsync();
    await eventually('the frame at the gateway', () => first.gateway.stats().readings > 0);
    await first.gateway.stop();
    expect(first.alerts).toEqual([]);

    // The file holds the running timer after the stop (closed: a new connection reads it).
    const store = new SqliteRuleStateStore(gatewayStatePath(dataDir, gatewayId));
    expect(store.load().timers).toContainEqual({ rule: 'lift_entrapment', key: 'lift-1', at: start + 15_000 });
    store.close();

    // Back 20 s later: the first tick fires the timer at its own time, once.
    clock.set(start + 20_000);
    const second = await build(clock);
    await second.gateway.start();
    await eventually('the entrapment alert after the restart', () => second.alerts.length > 0);
    // Two more ticks of the gateway, counted from before the clock moves on: the timer does not fire again.
    const ticksBefore = second.gateway.stats().ticks;
    clock.set(start + 21_000);
    await eventually('two more ticks of the rules', () => second.gateway.stats().ticks >= ticksBefore + 2);
    await second.gateway.stop();
    expect(second.alerts.map((a) => `${a.state} ${a.rule} ${a.event_time}`)).toEqual([`raised lift_entrapment ${toWireTime(start + 15_000)}`]);

    // Both runs recorded their inputs for a backtest.
    const [file, ...others] = readdirSync(recordingsDir(dataDir));
    expect(others).toEqual([]);
    const kinds = readFileSync(join(recordingsDir(dataDir), file!), 'utf8').trim().split('\n').map((line) => (JSON.parse(line) as { kind: string }).kind);
    expect(kinds).toContain('readings');
    expect(kinds.filter((kind) => kind === 'tick').length).toBeGreaterThanOrEqual(2);
  });
});
