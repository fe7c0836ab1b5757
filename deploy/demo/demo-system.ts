import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { ComponentGroup, type Component } from '../../shared/lifecycle/component.js';
import { validateConfig } from '../../shared/config/load-config.js';
import type { Logger } from '../../shared/log/logger.js';
import { Cloud } from '../../cloud/cloud-service.js';
import { CloudConfigSchema, type CloudConfigInput } from '../../cloud/config/cloud-config.js';
import type { Ticket } from '../../cloud/tickets/ticket.js';
import { createGateway, type Gateway } from '../../edge/gateway.js';
import { GatewayConfigSchema, type GatewayConfigInput } from '../../edge/config/gateway-config.js';
import { createEstateSimulator, type EstateSimulator, type SimulatedDevice } from '../../edge/simulator/estate-simulator.js';
import { startModbusTcpMeterServer } from '../../edge/simulator/meters/modbus/modbus-meter-server.js';
import { systemClock } from '../../shared/time/clock.js';
import { seedDemoStaff } from './demo-staff.js';

export const DEMO_ESTATE_ID = 'demo-estate';
export const DEMO_GATEWAY_ID = 'demo-gw-01';

/** The simulated estate: one lift monitor and one building-entrance door controller. */
export const DEMO_DEVICES: ReadonlyArray<SimulatedDevice & { profile: string; subjectId: string }> = [
  { id: 'lift-b1-a', kind: 'lift_monitor', topic: 'estate/b1/lift-a', profile: 'lift_monitor_gbt24476', subjectId: 'lift-b1-a' },
  { id: 'door-b1-main', kind: 'door_access_controller', topic: 'estate/b1/door-main', profile: 'door_controller_generic', subjectId: 'b1-entrance' },
];

/**
 * Meters on one Modbus TCP endpoint (the simulated fleet, on a free loopback port): the building's
 * water main, whose readings go to the cloud, and a household's electricity meter, whose readings
 * stay on the gateway (shared/contract/README.md, privacy).
 */
export const DEMO_METERS = [
  { id: 'b1-water-main', profile: 'tuf2000_flow_meter', subject: { kind: 'asset' as const, id: 'b1-water-main' }, unitId: 1 },
  { id: 'meter-b1-1203', profile: 'eastron_sdm120', subject: { kind: 'unit' as const, id: 'hh-b1-1203' }, unitId: 2 },
];
const DEMO_METER_POLL_S = 10;

export interface DemoOptions {
  dataDir: string;
  apiPort: number;
  cloudMqttPort: number;
  gatewayMqttPort: number;
  incidentAfterMs: number;
  profilesDir: string;
  logger: Logger;
}

/**
 * The whole system on one machine on embedded defaults, as `npm start` runs it: the cloud (aedes,
 * PGlite, SQL telemetry) with one estate and gateway registered, the gateway with its local broker,
 * a simulator playing the devices, and staff accounts with a known password (demo-staff.ts). The gateway's and the devices' passwords are made fresh at
 * every start.
 */
export class DemoSystem implements Component {
  readonly name = 'demo';
  readonly cloud: Cloud;
  private gateway: Gateway | null = null;
  private simulator: EstateSimulator | null = null;
  private meters: { port: number; stop(): Promise<void> } | null = null;
  private readonly group: ComponentGroup;
  private readonly gatewayPassword = randomBytes(18).toString('base64url');
  /** Each simulated device's password on the gateway's local broker, also fresh at every start. */
  private readonly devicePasswords = new Map(DEMO_DEVICES.map((device) => [device.id, randomBytes(18).toString('base64url')]));

  constructor(private readonly options: DemoOptions) {
    const cloudConfig: CloudConfigInput = {
      broker: { embedded: true, host: '127.0.0.1', port: options.cloudMqttPort },
      database: { pglite_dir: join(options.dataDir, 'cloud-db') },
      telemetry: { backend: 'sql' },
      api: { host: '127.0.0.1', port: options.apiPort },
      registry: {
        estates: [
          {
            id: DEMO_ESTATE_ID,
            name: 'Demo Gardens 示范花园',
            gateways: [{ id: DEMO_GATEWAY_ID, name: 'Demo gateway', password: this.gatewayPassword }],
          },
        ],
      },
    };
    this.cloud = new Cloud(validateConfig(CloudConfigSchema, cloudConfig, 'demo cloud config'), {
      logger: options.logger.child({ part: 'cloud' }),
    });
    this.group = new ComponentGroup(
      'demo',
      [
        this.cloud,
        { name: 'demo-staff', start: () => seedDemoStaff(this.cloud.database, systemClock, DEMO_ESTATE_ID), stop: async () => {} },
        {
          name: 'meters',
          start: async () => {
            this.meters = await startModbusTcpMeterServer({ host: '127.0.0.1', port: 0, unitIds: DEMO_METERS.map((meter) => meter.unitId) });
          },
          stop: async () => this.meters?.stop(),
        },
        { name: 'gateway', start: () => this.startGateway(), stop: async () => this.gateway?.stop() },
        { name: 'simulator', start: () => this.startSimulator(), stop: async () => this.simulator?.stop() },
      ],
      options.logger,
    );
  }

  onTicketOpened(listener: (ticket: Ticket) => void): () => void {
    return this.cloud.onTicketOpened(listener);
  }

  onIncident(listener: (description: string) => void): void {
    this.incidentListeners.push(listener);
  }

  get gatewayBrokerUrl(): string {
    return this.gateway?.localBrokerUrl ?? '';
  }

  private readonly incidentListeners: Array<(description: string) => void> = [];

  start(): Promise<void> {
    return this.group.start();
  }

  stop(): Promise<void> {
    return this.group.stop();
  }

  private async startGateway(): Promise<void> {
    const gatewayConfig: GatewayConfigInput = {
      gateway: { id: DEMO_GATEWAY_ID },
      uplink: { url: this.cloud.brokerUrl, password: this.gatewayPassword, status_interval_s: 10 },
      local_broker: {
        embedded: true,
        host: '127.0.0.1',
        port: this.options.gatewayMqttPort,
        device_credentials: Object.fromEntries([...this.devicePasswords].map(([id, password]) => [id, { password }])),
      },
      profiles_dir: this.options.profilesDir,
      data_dir: join(this.options.dataDir, 'gateway'),
      buses: [{ id: 'meters-tcp', transport: 'tcp', protocol: 'modbus_tcp', host: '127.0.0.1', port: this.meters?.port ?? 0 }],
      devices: [
        ...DEMO_DEVICES.map((device) => ({
          id: device.id,
          profile: device.profile,
          subject: { kind: 'asset' as const, id: device.subjectId },
          mqtt: { topic: device.topic },
        })),
        ...DEMO_METERS.map((meter) => ({
          id: meter.id,
          profile: meter.profile,
          subject: meter.subject,
          bus: 'meters-tcp',
          address: meter.unitId,
          poll_interval_s: DEMO_METER_POLL_S,
        })),
      ],
    };
    this.gateway = createGateway(validateConfig(GatewayConfigSchema, gatewayConfig, 'demo gateway config'), {
      logger: this.options.logger.child({ part: 'gateway' }),
      profilesDir: this.options.profilesDir,
    });
    await this.gateway.start();
  }

  private async startSimulator(): Promise<void> {
    this.simulator = createEstateSimulator({
      brokerUrl: this.gatewayBrokerUrl,
      devices: DEMO_DEVICES.map(({ id, kind, topic }) => ({ id, kind, topic, password: this.devicePasswords.get(id)! })),
      incidentAfterMs: this.options.incidentAfterMs,
      logger: this.options.logger.child({ part: 'simulator' }),
    });
    this.simulator.onIncident((description) => this.incidentListeners.forEach((listener) => listener(description)));
    await this.simulator.start();
  }
}
