import { connect, type MqttClient } from 'mqtt';
import type { Component } from '../../shared/lifecycle/component.js';
import type { Logger } from '../../shared/log/logger.js';
import { systemClock, type Clock } from '../../shared/time/clock.js';
import { seededRandom } from './random.js';
import { SimulatedDoor } from './simulated-door.js';
import { SimulatedLift, type DevicePayload } from './simulated-lift.js';

/** Time between two ticks of every simulated device. */
export const DEFAULT_SIMULATOR_PERIOD_MS = 2000;
/** An entrapment lasts long enough for its fault report and the second press (simulated-lift.ts). */
const FAULT_AND_SECOND_PRESS_TICKS = 4;
export const DEFAULT_SIMULATOR_SEED = 24476;

export interface SimulatedDevice {
  id: string;
  kind: 'door_access_controller' | 'lift_monitor';
  /** The MQTT topic the device publishes on (its mqtt.topic in the gateway config). */
  topic: string;
  /**
   * How it logs in to the gateway's local broker: its id as username, this password, and its client
   * id (the device id unless given). Without a password it connects anonymously, for an external
   * local broker that admits that.
   */
  password?: string;
  clientId?: string;
  /** A door's chance per tick that someone passes (a building entrance's by default; a flat's door is quieter). */
  visitChance?: number;
}

export interface EstateSimulatorOptions {
  /** The gateway's local broker, e.g. mqtt://127.0.0.1:18831. */
  brokerUrl: string;
  devices: SimulatedDevice[];
  /** When, after start, the first lift gets stuck between floors and its alarm button is pressed. */
  incidentAfterMs: number;
  /** How long the passenger stays trapped before the car is released at a landing; 6 ticks by default. */
  entrapmentMs?: number;
  periodMs?: number;
  logger: Logger;
  clock?: Clock;
  /** Same seed, same traffic. */
  seed?: number;
}

export interface EstateSimulator extends Component {
  /** Called once when the incident is staged, with a sentence describing it; returns an unsubscribe. */
  onIncident(listener: (description: string) => void): () => void;
  /**
   * Someone passes the door one last time, now, and then nobody again: the resident behind a flat's
   * door comes in and falls. The door closes on the next tick.
   */
  lastPassage(deviceId: string): void;
}

type Model = { device: SimulatedDevice; tick: (now: number) => DevicePayload[]; lastPassage?: (now: number) => DevicePayload[] };

/**
 * Plays an estate's MQTT devices against the gateway's local broker, in the device-side payload
 * formats of device-profiles/ (door_controller_generic, lift_monitor_gbt24476). Each device has
 * its own MQTT client and login, as real devices do: the broker lets a device publish only on its
 * own topic.
 */
export function createEstateSimulator(options: EstateSimulatorOptions): EstateSimulator {
  const clock = options.clock ?? systemClock;
  const periodMs = options.periodMs ?? DEFAULT_SIMULATOR_PERIOD_MS;
  const random = seededRandom(options.seed ?? DEFAULT_SIMULATOR_SEED);
  const lifts = new Map<string, SimulatedLift>();
  const models: Model[] = options.devices.map((device) => {
    if (device.kind === 'lift_monitor') {
      const releaseTick = options.entrapmentMs === undefined ? undefined : Math.max(FAULT_AND_SECOND_PRESS_TICKS, Math.ceil(options.entrapmentMs / periodMs));
      const lift = new SimulatedLift(device.id, random, undefined, releaseTick);
      lifts.set(device.id, lift);
      const tick = (now: number): DevicePayload[] => {
        const wasTrapped = lift.trapped;
        const payloads = lift.tick(now);
        if (wasTrapped && !lift.trapped) options.logger.info({ device: device.id }, `lift ${device.id} released at a landing, doors open`);
        return payloads;
      };
      return { device, tick };
    }
    const door = new SimulatedDoor(device.id, random, device.visitChance);
    const lastPassage = (now: number): DevicePayload[] => {
      door.stopVisits();
      return door.visit(now, { refusable: false });
    };
    return { device, tick: (now) => door.tick(now), lastPassage };
  });
  const listeners = new Set<(description: string) => void>();
  const clients = new Map<string, MqttClient>();
  let ticker: NodeJS.Timeout | null = null;
  let incidentTimer: NodeJS.Timeout | null = null;

  const publish = (device: SimulatedDevice, payloads: DevicePayload[]): void => {
    for (const payload of payloads) {
      clients.get(device.id)?.publish(device.topic, JSON.stringify(payload), { qos: 1 }, (error) => {
        if (error) options.logger.warn({ err: error, device: device.id }, 'simulated publish failed');
      });
    }
  };

  const stageIncident = (): void => {
    const target = options.devices.find((device) => device.kind === 'lift_monitor');
    const lift = target && lifts.get(target.id);
    if (!target || !lift) {
      options.logger.warn('no lift monitor to stage an incident with');
      return;
    }
    const { payloads, description } = lift.stageIncident(clock.now());
    publish(target, payloads);
    options.logger.info({ device: target.id }, description);
    for (const listener of listeners) listener(description);
  };

  return {
    name: 'estate-simulator',
    async start() {
      // Devices keep trying until their gateway's broker is up; what they publish meanwhile waits.
      for (const device of options.devices) {
        const login = device.password === undefined ? {} : { username: device.id, password: device.password };
        const client = connect(options.brokerUrl, { ...login, clientId: device.clientId ?? device.id, reconnectPeriod: 1000 });
        client.on('error', (error) => options.logger.debug({ err: error, device: device.id }, 'simulated device cannot reach the gateway broker yet'));
        clients.set(device.id, client);
      }
      ticker = setInterval(() => {
        const now = clock.now();
        for (const model of models) publish(model.device, model.tick(now));
      }, periodMs);
      incidentTimer = setTimeout(stageIncident, options.incidentAfterMs);
    },
    async stop() {
      if (ticker) clearInterval(ticker);
      if (incidentTimer) clearTimeout(incidentTimer);
      ticker = incidentTimer = null;
      const closing = [...clients.values()];
      clients.clear();
      await Promise.all(closing.map((client) => client.endAsync()));
    },
    lastPassage(deviceId) {
      const model = models.find((candidate) => candidate.device.id === deviceId);
      if (!model?.lastPassage) throw new Error(`${deviceId}: no simulated door of that id`);
      publish(model.device, model.lastPassage(clock.now()));
    },
    onIncident(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
