import type { AlertItem, ReadingItem, Subject } from '../../../shared/contract/index.js';
import { toWireTime, type EventType } from '../../../shared/contract/index.js';
import { RulesConfigSchema, type RulesConfig } from '../../../shared/contract/rules-config.js';
import { stableId } from '../../../shared/ids.js';
import { silentLogger } from '../../../shared/log/logger.js';
import type { CanonicalEvent, ReadingFrame } from '../../../edge/model/device-data.js';
import { inputTime, type EngineInput } from '../../../edge/rules/engine/engine-input.js';
import { RuleEngine } from '../../../edge/rules/rule-engine.js';
import type { DeviceInfo, Rule } from '../../../edge/rules/rule.js';
import { asJson, MemoryRuleStateData, MemoryRuleStateStore } from '../../../edge/rules/state/memory-rule-state-store.js';
import type { RuleStateStore } from '../../../edge/rules/state/rule-state-store.js';
import { SqliteRuleStateStore } from '../../../edge/rules/state/sqlite-rule-state-store.js';

/**
 * Household fixtures and a bench over the real rule engine (edge/rules/rule-engine.ts) with the
 * in-memory or the SQLite state store, driven in event time: what the tests exercise is what ships.
 */

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;
/** The estates' local time, UTC+8. */
export const LOCAL_OFFSET = '+08:00';

/** Epoch ms of a local (UTC+8) time: at('2026-03-02 10:00'). */
export function at(local: string): number {
  return Date.parse(`${local.replace(' ', 'T')}:00${LOCAL_OFFSET}`);
}

/** Local 'MM-DD HH:MM' of an instant, for readable assertions. */
export function local(time: number | string): string {
  const ms = typeof time === 'string' ? Date.parse(time) : time;
  return new Date(ms + 8 * HOUR).toISOString().slice(5, 16).replace('T', ' ');
}

export const CONSENT = {
  recorded_at: '2026-02-20T10:00:00+08:00',
  purpose: '独居老人关怀：以门禁、用水、用电活动发现异常并上门探视 / care visits from door, water and electricity activity',
};

/** A household's care profile (input form: defaults filled by the schema). */
export function enrolled(unitId: string, profile: Record<string, unknown> = {}): Record<string, unknown> {
  return { unit_id: unitId, consent: CONSENT, ...profile };
}

export function rulesConfig(input: { care?: unknown; water?: unknown } = {}): RulesConfig {
  return RulesConfigSchema.parse(input);
}

/** The devices of one household: a door controller (MQTT), a CJ/T 188 water meter and an SDM120, polled every 5 min. */
export interface Home {
  unit: Subject;
  door: DeviceInfo;
  water: DeviceInfo;
  power: DeviceInfo;
}

export const METER_POLL_MS = 5 * MINUTE;

export function home(unitId: string, options: { water?: boolean; power?: boolean } = {}): Home & { devices: DeviceInfo[] } {
  const unit: Subject = { kind: 'unit', id: unitId };
  const door: DeviceInfo = { id: `door-${unitId}`, subject: unit, profile: 'door_controller_generic', kind: 'door_access_controller', pollIntervalMs: undefined };
  const water: DeviceInfo = { id: `wm-${unitId}`, subject: unit, profile: 'cjt188_cold_water_meter', kind: 'water_meter', pollIntervalMs: METER_POLL_MS };
  const power: DeviceInfo = { id: `em-${unitId}`, subject: unit, profile: 'eastron_sdm120', kind: 'electricity_meter', pollIntervalMs: METER_POLL_MS };
  const devices = [door, ...(options.water === false ? [] : [water]), ...(options.power === false ? [] : [power])];
  return { unit, door, water, power, devices };
}

/** The estate gate's card reader (an asset). */
export const GATE: DeviceInfo = { id: 'gate-north-reader', subject: { kind: 'asset', id: 'gate-north' }, profile: 'door_controller_generic', kind: 'door_access_controller', pollIntervalMs: undefined };

function reading(device: DeviceInfo, time: number, point: string, value: number, unit: ReadingItem['unit']): ReadingItem {
  return { id: stableId(device.id, time, point), device_id: device.id, point, value, unit, event_time: toWireTime(time) };
}

/** A CJ/T 188 frame: the cumulative volume in m3. */
export function waterFrame(device: DeviceInfo, time: number, volumeM3: number): ReadingFrame {
  return { device_id: device.id, subject: device.subject, event_time: toWireTime(time), readings: [reading(device, time, 'current_volume', volumeM3, 'm3')] };
}

/** An SDM120 frame: active power (W) and import energy (kWh). */
export function powerFrame(device: DeviceInfo, time: number, powerW: number, energyKwh: number): ReadingFrame {
  return {
    device_id: device.id,
    subject: device.subject,
    event_time: toWireTime(time),
    readings: [reading(device, time, 'active_power', powerW, 'W'), reading(device, time, 'import_energy', energyKwh, 'kWh')],
  };
}

export function doorEvent(device: DeviceInfo, time: number, type: EventType, attributes: CanonicalEvent['attributes'] = {}): CanonicalEvent {
  return { id: stableId(device.id, time, type), device_id: device.id, subject: device.subject, type, event_time: toWireTime(time), attributes };
}

export function gateCard(time: number, credentialRef: string, direction?: 'in' | 'out'): CanonicalEvent {
  return doorEvent(GATE, time, 'credential_granted', { credential_ref: credentialRef, credential_type: 'card', ...(direction ? { direction } : {}) });
}

export interface BenchSetup {
  rules: readonly Rule[];
  devices: readonly DeviceInfo[];
  config: RulesConfig;
  /** A SQLite file for the state, else memory. */
  sqlitePath?: string;
}

/**
 * Inputs are committed in batches, as the gateway does (one transaction per batch, not per
 * reading): a batch ends when an input falls in a new 5-minute poll round. A power cut loses the
 * uncommitted rest of the round.
 */
const COMMIT_ROUND_MS = 5 * MINUTE;

/**
 * The real engine over a store that outlives it: restart() builds a new engine on what the old one
 * committed, as a gateway does after a reboot or a power cut (the engine commits every input).
 */
export class Bench {
  readonly alerts: AlertItem[] = [];
  private readonly data = new MemoryRuleStateData();
  private store!: RuleStateStore;
  private engine: RuleEngine;
  private config: RulesConfig;
  private round: number | undefined;

  constructor(private readonly setup: BenchSetup) {
    this.config = setup.config;
    this.engine = this.build();
  }

  feed(input: EngineInput): void {
    const round = Math.floor(inputTime(input) / COMMIT_ROUND_MS);
    if (round !== this.round) {
      this.engine.commit();
      this.round = round;
    }
    switch (input.kind) {
      case 'event':
        this.alerts.push(...this.engine.onEvent(input.item));
        break;
      case 'readings':
        this.alerts.push(...this.engine.onReadings(input.frame));
        break;
      case 'availability':
        this.alerts.push(
          ...this.engine.onAvailability(input.device_id, input.online ? { online: true } : { online: false, reason: input.reason ?? 'no_response' }, Date.parse(input.at)),
        );
        break;
      case 'tick':
        this.alerts.push(...this.engine.advanceTo(Date.parse(input.at)));
        break;
    }
  }

  event(item: CanonicalEvent): void {
    this.feed({ kind: 'event', item });
  }

  frame(frame: ReadingFrame): void {
    this.feed({ kind: 'readings', frame });
  }

  offline(deviceId: string, time: number): void {
    this.feed({ kind: 'availability', device_id: deviceId, online: false, reason: 'no_response', at: toWireTime(time) });
  }

  online(deviceId: string, time: number): void {
    this.feed({ kind: 'availability', device_id: deviceId, online: true, at: toWireTime(time) });
  }

  advanceTo(time: number): void {
    this.feed({ kind: 'tick', at: toWireTime(time) });
  }

  setConfig(config: RulesConfig): void {
    this.config = config;
    this.engine.setConfig(config);
  }

  /** Commits what the engine holds (the end of a batch). */
  commit(): void {
    this.engine.commit();
  }

  /**
   * A reboot: the engine is closed (it commits what is left) and a new one loads the store. With
   * `powerCut`, the engine just stops: only what it had committed survives.
   */
  restart(options: { powerCut?: boolean } = {}): void {
    const old = { engine: this.engine, store: this.store };
    if (!options.powerCut) old.engine.close();
    this.engine = this.build();
    this.round = undefined;
    if (options.powerCut) old.store.close();
  }

  close(): void {
    this.engine.close();
  }

  /** A rule's committed state under a key (memory store only), as a restart would load it. */
  stored(rule: string, key: string): unknown {
    this.engine.commit();
    const value = this.data.states.get(rule)?.get(key);
    return value === undefined ? undefined : asJson(value);
  }

  private build(): RuleEngine {
    this.store = this.setup.sqlitePath ? new SqliteRuleStateStore(this.setup.sqlitePath) : new MemoryRuleStateStore(this.data);
    return new RuleEngine({ rules: this.setup.rules, store: this.store, devices: this.setup.devices, config: this.config, logger: silentLogger(), autoCommit: false });
  }
}

/** Alerts in a short comparable form: "03-02 16:00 raised household_care hh-early". */
export function brief(alerts: readonly AlertItem[]): string[] {
  return alerts.map((alert) => `${local(alert.event_time)} ${alert.state} ${alert.rule} ${alert.subject.id}`);
}
