import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateConfig } from '../../shared/config/load-config.js';
import type { AlertItem, EventItem } from '../../shared/contract/index.js';
import { silentLogger } from '../../shared/log/logger.js';
import { GatewayConfigSchema } from '../../edge/config/gateway-config.js';
import { createGateway, type Gateway } from '../../edge/gateway.js';
import { SqliteOutbox } from '../../edge/outbox/sqlite-outbox.js';
import { gatewayOutboxPath } from '../../edge/storage/data-dir.js';
import { ModbusLiftMonitors } from '../support/modbus-lift-monitors.js';
import { freePort } from '../support/net.js';
import { PROFILES_DIR, tempDataDir } from './edge-fixtures.js';

const GATEWAY_ID = 'test-held-button-gw';
const UNIT = 1;

/** Every event in the outbox file (the uplink reaches no broker, so all of them stay there). */
async function eventsOnDisk(path: string): Promise<EventItem[]> {
  const reader = new SqliteOutbox(path);
  try {
    const events: EventItem[] = [];
    for (let batch = await reader.take(1000); batch; batch = await reader.take(1000)) if (batch.channel === 'events') events.push(...batch.items);
    return events;
  } finally {
    reader.close();
  }
}

/**
 * A Modbus lift monitor reports its alarm button as a level (discrete input 0 stays 1 while held);
 * the gateway makes a press of its rising edge (edge/values/point-events.ts). Held through a gateway
 * restart, it is still one press: one alarm event, one raise, no second count.
 */
describe('an alarm button held through a gateway restart', () => {
  let monitors: ModbusLiftMonitors;
  let dataDir: string;
  let uplinkPort: number;
  const running: Gateway[] = [];

  beforeAll(async () => {
    monitors = await ModbusLiftMonitors.start();
    dataDir = tempDataDir();
    uplinkPort = await freePort(); // nobody listens: everything stays in the outbox
  });
  afterAll(async () => {
    for (const gateway of running) await gateway.stop();
    await monitors?.stop();
  });

  async function startGateway(alerts: AlertItem[]): Promise<Gateway> {
    const config = validateConfig(
      GatewayConfigSchema,
      {
        gateway: { id: GATEWAY_ID },
        data_dir: dataDir,
        uplink: { url: `mqtt://127.0.0.1:${uplinkPort}`, reconnect_period_ms: 60_000 },
        local_broker: { embedded: true, host: '127.0.0.1', port: 0 },
        buses: [{ id: 'lift-bus', transport: 'tcp', protocol: 'modbus_tcp', host: '127.0.0.1', port: monitors.port, timeout_ms: 500 }],
        devices: [{ id: 'plift-1', profile: 'lift_monitor_modbus_vendor', subject: { kind: 'asset', id: 'plift-1' }, bus: 'lift-bus', address: UNIT, poll_interval_s: 0.1 }],
      },
      'test',
      { env: {} },
    );
    const gateway = createGateway(config, { logger: silentLogger(), profilesDir: PROFILES_DIR });
    gateway.onAlert((alert) => alerts.push(alert));
    await gateway.start();
    running.push(gateway);
    return gateway;
  }

  /** The gateway's first entrapment alert in this state, as soon as its rules produce it. */
  const alertOf = (gateway: Gateway, alerts: AlertItem[], state: AlertItem['state']): Promise<AlertItem> =>
    new Promise((resolve) => {
      const matches = (alert: AlertItem): boolean => alert.rule === 'lift_entrapment' && alert.state === state;
      const found = alerts.find(matches);
      if (found) return resolve(found);
      const off = gateway.onAlert((alert) => {
        if (!matches(alert)) return;
        off();
        resolve(alert);
      });
    });

  it('is one press, one event and one episode, cleared once released', async () => {
    monitors.press(UNIT);
    const before: AlertItem[] = [];
    const first = await startGateway(before);
    const raised = await alertOf(first, before, 'raised');
    expect(raised.evidence).toMatchObject({ press_count: 1 });
    await first.stop();
    running.splice(running.indexOf(first), 1);

    const after: AlertItem[] = [];
    const restartedAt = Date.now();
    const readAgain = monitors.nextRead((read) => read.pressed && read.at > restartedAt);
    const second = await startGateway(after);
    await readAgain; // the restarted gateway polled the button, still held
    const releasedAfter = Date.now();
    const readReleased = monitors.nextRead((read) => !read.pressed && read.at > releasedAfter);
    monitors.release(UNIT);
    await readReleased;
    // Polls of one device are handled in order: by the clear, the held-button poll was handled too.
    const cleared = await alertOf(second, after, 'cleared');
    expect(after.filter((alert) => alert.rule === 'lift_entrapment')).toEqual([cleared]);
    expect(cleared).toMatchObject({ episode_id: raised.episode_id, revision: 2, evidence: { press_count: 1 } });

    for (const gateway of running.splice(0)) await gateway.stop();
    const presses = (await eventsOnDisk(gatewayOutboxPath(dataDir, GATEWAY_ID))).filter((event) => event.type === 'lift_alarm_button');
    expect(presses).toHaveLength(1);
  });
});
