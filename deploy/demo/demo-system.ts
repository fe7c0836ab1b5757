import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { ComponentGroup, componentOf, type Component } from '../../shared/lifecycle/component.js';
import { validateConfig } from '../../shared/config/load-config.js';
import type { Logger } from '../../shared/log/logger.js';
import { Cloud } from '../../cloud/cloud-service.js';
import { CloudConfigSchema, type CloudConfigInput } from '../../cloud/config/cloud-config.js';
import type { Ticket } from '../../cloud/tickets/ticket.js';
import { createGateway, type Gateway } from '../../edge/gateway.js';
import { GatewayConfigSchema, type GatewayConfigInput } from '../../edge/config/gateway-config.js';
import { createEstateSimulator, type EstateSimulator, type SimulatedDevice } from '../../edge/simulator/estate-simulator.js';
import { startModbusTcpMeterServer, type RunningMeterServer } from '../../edge/simulator/meters/modbus/modbus-meter-server.js';
import { systemClock } from '../../shared/time/clock.js';
import { DEMO_PASSWORD, seedDemoStaff } from './demo-staff.js';
import { DEMO_ENTRAPMENT_MS, seedDemoDispatch } from './demo-dispatch.js';
import { seedDemoEstateRecords } from './demo-estate-records.js';
import { enrolDemoHousehold } from './demo-enrolment.js';

export const DEMO_ESTATE_ID = 'demo-estate';
export const DEMO_GATEWAY_ID = 'demo-gw-01';

/** The flat whose resident the demo enrols in care (its id is pseudonymous; the label is where it is). */
export const DEMO_HOUSEHOLD = { unitId: 'hh-b1-1203', label: '1-1203' } as const;

type Subject = { kind: 'unit' | 'asset'; id: string };

/**
 * The simulated estate's MQTT devices: a lift monitor, the building entrance's door controller, and
 * the door of the enrolled flat (someone passes it about every 20 s until its resident falls).
 */
export const DEMO_DEVICES: ReadonlyArray<SimulatedDevice & { profile: string; subject: Subject }> = [
  { id: 'lift-b1-a', kind: 'lift_monitor', topic: 'estate/b1/lift-a', profile: 'lift_monitor_gbt24476', subject: { kind: 'asset', id: 'lift-b1-a' } },
  { id: 'door-b1-main', kind: 'door_access_controller', topic: 'estate/b1/door-main', profile: 'door_controller_generic', subject: { kind: 'asset', id: 'b1-entrance' } },
  {
    id: 'door-b1-1203',
    kind: 'door_access_controller',
    topic: 'estate/b1/1203-door',
    profile: 'door_controller_generic',
    subject: { kind: 'unit', id: DEMO_HOUSEHOLD.unitId },
    visitChance: 0.1,
  },
];
const DEMO_FLAT_DOOR_ID = 'door-b1-1203';

/**
 * Meters on one Modbus TCP endpoint (the simulated fleet, on a free loopback port): the building's
 * water main, whose readings go to the cloud, and a household's electricity meter, whose readings
 * stay on the gateway (shared/contract/README.md, privacy).
 */
export const DEMO_METERS = [
  { id: 'b1-water-main', profile: 'tuf2000_flow_meter', subject: { kind: 'asset' as const, id: 'b1-water-main' }, unitId: 1 },
  { id: 'meter-b1-1203', profile: 'eastron_sdm120', subject: { kind: 'unit' as const, id: DEMO_HOUSEHOLD.unitId }, unitId: 2 },
];
const DEMO_FLAT_METER_UNIT_ID = 2;
const DEMO_METER_POLL_S = 10;

export interface DemoOptions {
  dataDir: string;
  apiPort: number;
  cloudMqttPort: number;
  gatewayMqttPort: number;
  incidentAfterMs: number;
  /** When, after start, the enrolled flat's resident falls: her door and her meter go quiet. */
  careIncidentAfterMs: number;
  /** Minutes of quiet before the demo household gets a care visit (a home's are hours). */
  careQuietLimitMin: number;
  profilesDir: string;
  logger: Logger;
  /** Where the log notification channel writes (the terminal). */
  notificationLog?: Logger;
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
  private meters: (RunningMeterServer & { port: number }) | null = null;
  private careIncidentTimer: NodeJS.Timeout | null = null;
  private readonly progressListeners: Array<(step: string) => void> = [];
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
      ...(options.notificationLog ? { notificationLog: options.notificationLog } : {}),
    });
    const step = (what: string, component: Component): Component =>
      componentOf(component.name, async () => {
        for (const listener of this.progressListeners) listener(what);
        await component.start();
      }, () => component.stop());
    this.group = new ComponentGroup(
      'demo',
      [
        step('the cloud: database (PGlite), MQTT broker, API', this.cloud),
        step('the demo staff accounts (each password is hashed with scrypt, a second or so each)', {
          name: 'demo-staff',
          start: () => seedDemoStaff(this.cloud.database, systemClock, DEMO_ESTATE_ID),
          stop: async () => {},
        }),
        step('the duty roster (everyone on a 24-hour shift) and the demo dispatch policy', {
          name: 'demo-dispatch',
          start: () => seedDemoDispatch(this.cloud.database, systemClock, DEMO_ESTATE_ID),
          stop: async () => {},
        }),
        step('the estate: building, flat, lift, water main and the devices on them', {
          name: 'demo-estate',
          start: () => seedDemoEstateRecords(this.cloud.database, systemClock, this.estateRecords()),
          stop: async () => {},
        }),
        step(`care for flat ${DEMO_HOUSEHOLD.label}: the supervisor enrols its resident with her consent`, {
          name: 'demo-enrolment',
          start: () =>
            enrolDemoHousehold(
              { apiUrl: this.cloud.apiUrl, estateId: DEMO_ESTATE_ID, unitId: DEMO_HOUSEHOLD.unitId, login: 'demo.supervisor', password: DEMO_PASSWORD, quietLimitMin: options.careQuietLimitMin },
              systemClock,
            ),
          stop: async () => {},
        }),
        step('the simulated meters (Modbus TCP)', {
          name: 'meters',
          start: async () => {
            this.meters = await startModbusTcpMeterServer({ host: '127.0.0.1', port: 0, unitIds: DEMO_METERS.map((meter) => meter.unitId) });
          },
          stop: async () => this.meters?.stop(),
        }),
        step('the gateway and its local MQTT broker', { name: 'gateway', start: () => this.startGateway(), stop: async () => this.gateway?.stop() }),
        step('the simulated lift monitor and door controllers', { name: 'simulator', start: () => this.startSimulator(), stop: () => this.stopSimulator() }),
      ],
      options.logger,
    );
  }

  /** Called with each step as it starts ("the cloud: ..."), for a terminal to show progress. */
  onProgress(listener: (step: string) => void): void {
    this.progressListeners.push(listener);
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
        ...DEMO_DEVICES.map((device) => ({ id: device.id, profile: device.profile, subject: device.subject, mqtt: { topic: device.topic } })),
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
      devices: DEMO_DEVICES.map(({ id, kind, topic, visitChance }) => ({ id, kind, topic, visitChance, password: this.devicePasswords.get(id)! })),
      incidentAfterMs: this.options.incidentAfterMs,
      // Trapped for longer than the demo's acknowledgement window: unacknowledged, it escalates.
      entrapmentMs: DEMO_ENTRAPMENT_MS,
      logger: this.options.logger.child({ part: 'simulator' }),
    });
    this.simulator.onIncident((description) => this.announceIncident(description));
    await this.simulator.start();
    this.careIncidentTimer = setTimeout(() => this.stageCareIncident(), this.options.careIncidentAfterMs);
  }

  private async stopSimulator(): Promise<void> {
    if (this.careIncidentTimer) clearTimeout(this.careIncidentTimer);
    this.careIncidentTimer = null;
    await this.simulator?.stop();
  }

  /** The resident of the enrolled flat comes in through her door and falls: nothing moves after that. */
  private stageCareIncident(): void {
    this.simulator?.lastPassage(DEMO_FLAT_DOOR_ID);
    this.meters?.faults.leaveUnattended(DEMO_FLAT_METER_UNIT_ID);
    this.announceIncident(
      `the resident of flat ${DEMO_HOUSEHOLD.label} (${DEMO_HOUSEHOLD.unitId}) comes in and falls at home: her door stays shut and her meter shows only the fridge and standby; ` +
        `a care visit is due after ${this.options.careQuietLimitMin} min of quiet`,
    );
  }

  private announceIncident(description: string): void {
    for (const listener of this.incidentListeners) listener(description);
  }

  private estateRecords() {
    return {
      estateId: DEMO_ESTATE_ID,
      gatewayId: DEMO_GATEWAY_ID,
      building: { id: 'b1', name: 'Building 1 一号楼' },
      unit: { id: DEMO_HOUSEHOLD.unitId, label: DEMO_HOUSEHOLD.label },
      assets: [
        { id: 'lift-b1-a', kind: 'lift' as const, name: 'Lift A, building 1' },
        { id: 'b1-water-main', kind: 'water_main' as const, name: 'Building 1 water main' },
      ],
      // The entrance door is an estate access point, not a unit or an asset the registry knows.
      devices: [...DEMO_DEVICES.filter((device) => device.id !== 'door-b1-main'), ...DEMO_METERS],
    };
  }
}
