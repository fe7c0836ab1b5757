import { randomUUID } from 'node:crypto';
import { validateConfig } from '../../shared/config/load-config.js';
import type { AlertItem } from '../../shared/contract/index.js';
import { silentLogger } from '../../shared/log/logger.js';
import type { Clock } from '../../shared/time/clock.js';
import { GatewayConfigSchema, type GatewayConfigInput } from '../../edge/config/gateway-config.js';
import { createGateway, type Gateway } from '../../edge/gateway.js';
import { PROFILES_DIR, tempDataDir } from './edge-fixtures.js';
import { ContractObserver, MOSQUITTO_URL, clearRetainedStatus } from './mqtt-observer.js';
import { TestDeviceFleet, testDeviceCredentials } from '../support/device-logins.js';

/**
 * A gateway (embedded local broker, uplink to the real Mosquitto, its own data_dir) whose devices each
 * log in to its local broker with their own test password (`devices`), and an observer of everything it sends up, decoded with the wire
 * contract. Every alert the rules produce is in `alerts`, and told to onAlert.
 */
export class ObservedGateway {
  private constructor(
    readonly gatewayId: string,
    readonly gateway: Gateway,
    readonly devices: TestDeviceFleet,
    readonly observer: ContractObserver,
    readonly alerts: readonly AlertItem[],
  ) {}

  static async start(options: {
    idPrefix: string;
    devices: NonNullable<GatewayConfigInput['devices']>;
    statusIntervalS: number;
    clock?: Clock;
    onAlert?: (alert: AlertItem) => void;
  }): Promise<ObservedGateway> {
    const gatewayId = `${options.idPrefix}-${randomUUID().slice(0, 8)}`;
    const observer = await ContractObserver.watch(`observer-${gatewayId}`, `estatecare/v1/gw/${gatewayId}/#`);
    const input: GatewayConfigInput = {
      gateway: { id: gatewayId },
      data_dir: tempDataDir(),
      uplink: { url: MOSQUITTO_URL, status_interval_s: options.statusIntervalS },
      local_broker: { embedded: true, host: '127.0.0.1', port: 0, device_credentials: testDeviceCredentials(options.devices.map((device) => device.id)) },
      devices: options.devices,
    };
    const gateway = createGateway(validateConfig(GatewayConfigSchema, input, 'test', { env: {} }), {
      logger: silentLogger(),
      profilesDir: PROFILES_DIR,
      ...(options.clock ? { clock: options.clock } : {}),
    });
    const alerts: AlertItem[] = [];
    gateway.onAlert((alert) => {
      alerts.push(alert);
      options.onAlert?.(alert);
    });
    await gateway.start();
    return new ObservedGateway(gatewayId, gateway, new TestDeviceFleet(gateway.localBrokerUrl), observer, alerts);
  }

  /** Stops everything and leaves no retained status of the test gateway on the shared broker. */
  async close(): Promise<void> {
    await this.devices.end();
    await this.gateway.stop();
    await this.observer.close();
    await clearRetainedStatus(this.gatewayId);
  }
}
