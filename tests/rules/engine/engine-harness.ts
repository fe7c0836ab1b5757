import type { ReadingItem } from '../../../shared/contract/index.js';
import { toWireTime, type AlertItem, type EventType } from '../../../shared/contract/index.js';
import { RulesConfigSchema, type RulesConfig } from '../../../shared/contract/rules-config.js';
import { stableId } from '../../../shared/ids.js';
import { silentLogger } from '../../../shared/log/logger.js';
import { LIFT_POINTS, type LiftPoint } from '../../../edge/model/lift-points.js';
import type { CanonicalEvent, ReadingFrame } from '../../../edge/model/device-data.js';
import { RuleEngine } from '../../../edge/rules/rule-engine.js';
import type { DeviceInfo, Rule } from '../../../edge/rules/rule.js';
import { MemoryRuleStateData, MemoryRuleStateStore } from '../../../edge/rules/state/memory-rule-state-store.js';
import type { RuleStateStore } from '../../../edge/rules/state/rule-state-store.js';

/** 2026-11-24T08:00:00.000Z: the reference instant of the rules tests. */
export const T0 = Date.parse('2026-11-24T08:00:00.000Z');
export const SECOND = 1000;
export const MINUTE = 60 * SECOND;

export const LIFT: DeviceInfo = { id: 'lift-b1-a', subject: { kind: 'asset', id: 'lift-b1-a' }, profile: 'lift_monitor_gbt24476', kind: 'lift_monitor', pollIntervalMs: undefined };
export const METER: DeviceInfo = { id: 'meter-1203', subject: { kind: 'unit', id: 'hh-7f3a' }, profile: 'eastron_sdm120', kind: 'electricity_meter', pollIntervalMs: 30 * SECOND };
export const DOOR: DeviceInfo = { id: 'door-b1-main', subject: { kind: 'asset', id: 'b1-entrance' }, profile: 'door_controller_generic', kind: 'door_access_controller', pollIntervalMs: undefined };

export function rulesConfig(input: unknown = {}): RulesConfig {
  return RulesConfigSchema.parse(input);
}

export interface EngineSetup {
  rules: readonly Rule[];
  devices?: readonly DeviceInfo[];
  config?: RulesConfig;
  store?: RuleStateStore;
  autoCommit?: boolean;
}

export function memoryEngine(setup: EngineSetup, data = new MemoryRuleStateData()): RuleEngine {
  return new RuleEngine({
    rules: setup.rules,
    store: setup.store ?? new MemoryRuleStateStore(data),
    devices: setup.devices ?? [LIFT, METER, DOOR],
    ...(setup.config ? { config: setup.config } : {}),
    logger: silentLogger(),
    ...(setup.autoCommit === undefined ? {} : { autoCommit: setup.autoCommit }),
  });
}

/** A frame of a device at `at` with the given point values (units from the lift points, else 'kW'). */
export function frame(device: DeviceInfo, at: number, values: Record<string, number>): ReadingFrame {
  const eventTime = toWireTime(at);
  const readings: ReadingItem[] = Object.entries(values).map(([point, value]) => ({
    id: stableId(device.id, at, point),
    device_id: device.id,
    point,
    value,
    unit: (LIFT_POINTS as Record<string, ReadingItem['unit']>)[point] ?? 'kW',
    event_time: eventTime,
  }));
  return { device_id: device.id, subject: device.subject, event_time: eventTime, readings };
}

/** Canonical lift status (edge/model/lift-points.ts: bool points 1 yes / 0 no). */
export type LiftValues = Partial<Record<LiftPoint, number>>;
export const STOPPED_OUTSIDE_ZONE: LiftValues = { car_status: 0, door_zone: 0, door_status: 1, passenger_status: 1, car_position: 7, service_mode: 1 };
export const STOPPED_IN_ZONE_CLOSED: LiftValues = { car_status: 0, door_zone: 1, door_status: 1, passenger_status: 1, car_position: 7, service_mode: 1 };
export const OPEN_AT_LANDING: LiftValues = { car_status: 0, door_zone: 1, door_status: 0, passenger_status: 1, car_position: 7, service_mode: 1 };
export const RUNNING: LiftValues = { car_status: 1, door_zone: 0, door_status: 1, passenger_status: 1, car_position: 7, service_mode: 1 };

export function liftFrame(at: number, values: LiftValues, lift: DeviceInfo = LIFT): ReadingFrame {
  return frame(lift, at, values as Record<string, number>);
}

export function event(device: DeviceInfo, at: number, type: EventType, attributes: CanonicalEvent['attributes'] = {}): CanonicalEvent {
  return { id: stableId(device.id, at, type, JSON.stringify(attributes)), device_id: device.id, subject: device.subject, type, event_time: toWireTime(at), attributes };
}

/** The alert changes in a short, comparable form: "08:00:15.000 raised lift_entrapment". */
export function brief(alerts: readonly AlertItem[]): string[] {
  return alerts.map((alert) => `${alert.event_time.slice(11, 23)} ${alert.state} ${alert.rule} ${alert.subject.id}`);
}

