import { toWireTime, type ReadingItem, type Unit } from '../../../shared/contract/index.js';
import type { EngineInput } from '../../rules/engine/engine-input.js';
import type { DeviceInfo } from '../../rules/rule.js';
import type { Random } from '../random.js';
import type { MinuteSpan } from './automatic-loads.js';
import type { HomeLife } from './home-life.js';
import { MIN_PER_DAY, MS_PER_MIN, type SimCalendar } from './sim-time.js';

/** The devices of one household and the estate gate's card reader. */
export interface HouseholdDevices {
  door: DeviceInfo;
  water: DeviceInfo;
  power: DeviceInfo;
}

export const METER_POLL_MS = 5 * MS_PER_MIN;
/** Bus ids as a gateway config would name them: electricity meters on RS-485, water meters on M-Bus. */
export const ELECTRICITY_BUS = 'rs485-1';
export const WATER_BUS = 'mbus-1';
export const GATE_READER: DeviceInfo = { id: 'gate-main-reader', subject: { kind: 'asset', id: 'gate-main' }, profile: 'door_controller_generic', kind: 'door_access_controller', pollIntervalMs: undefined };
/** A poll that fails for no lasting reason (noise on the line, a collision): 1 in 500. */
const POLL_BLIP_CHANCE = 0.002;

export function householdDevices(unitId: string): HouseholdDevices {
  const unit = { kind: 'unit' as const, id: unitId };
  return {
    door: { id: `door-${unitId}`, subject: unit, profile: 'door_controller_generic', kind: 'door_access_controller', pollIntervalMs: undefined },
    water: { id: `wm-${unitId}`, subject: unit, profile: 'cjt188_cold_water_meter', kind: 'water_meter', pollIntervalMs: METER_POLL_MS, bus: WATER_BUS },
    power: { id: `em-${unitId}`, subject: unit, profile: 'dlt645_single_phase_meter', kind: 'electricity_meter', pollIntervalMs: METER_POLL_MS, bus: ELECTRICITY_BUS },
  };
}

export interface SignalSources {
  cal: SimCalendar;
  devices: HouseholdDevices;
  life: HomeLife;
  /** W per minute (automatic-loads.ts). */
  power: Float32Array;
  /** The meter counts this many litres per step (10 L for 0.01 m3). */
  waterStepL: number;
  doorHeartbeatMin: number | undefined;
  cardRef: string;
  /** Spans in which a device does not answer (dead, or no mains in a power cut). */
  silent: { water: MinuteSpan[]; power: MinuteSpan[]; door: MinuteSpan[] };
  /** Poll phase within the 5-minute round, seconds: the bus polls its meters one after another. */
  phaseS: number;
  random: Random;
}

/**
 * What the gateway receives from one household, day by day, as the rule engine's inputs: a CJ/T 188
 * water meter read every 5 minutes (the counter in 0.01 m3 steps), a DL/T 645 meter read every 5
 * minutes (power at that instant in kW to 0.0001, energy in kWh to 0.01), door events as they
 * happen, a heartbeat from door controllers that send one, and the household card at the estate
 * gate. A poll that fails marks the meter offline (the bus scheduler's availability) until the
 * next poll that succeeds.
 */
export class HouseholdSignals {
  private readonly waterTotal: Float64Array;
  private readonly energyWh: Float64Array;
  private readonly online = { water: true, power: true };
  private readonly waterBaseL: number;
  private readonly energyBaseKwh: number;
  private heartbeat = 0;

  constructor(private readonly sources: SignalSources) {
    this.waterTotal = cumulative(sources.life.water, 1);
    this.energyWh = cumulative(sources.power, 1 / 60);
    this.waterBaseL = Math.round(sources.random() * 500_000);
    this.energyBaseKwh = Math.round(sources.random() * 800_000) / 100;
  }

  inputsOfDay(day: number): EngineInput[] {
    const { cal, devices, life, silent } = this.sources;
    const inputs: EngineInput[] = [];
    const dayStart = cal.startMs + day * MIN_PER_DAY * MS_PER_MIN;
    const dayEnd = dayStart + MIN_PER_DAY * MS_PER_MIN;
    const first = Math.ceil((dayStart - this.sources.phaseS * 1000) / METER_POLL_MS);
    for (let round = first; ; round++) {
      const at = round * METER_POLL_MS + this.sources.phaseS * 1000;
      if (at >= dayEnd) break;
      this.poll('water', at, silent.water, inputs, () => [reading(devices.water, at, 'current_volume', this.waterCounter(at), 'm3')]);
      this.poll('power', at + 2000, silent.power, inputs, () => this.powerReadings(at + 2000));
    }
    const doorDead = (ms: number) => inSpans(silent.door, this.minuteOf(ms));
    for (const pass of life.door) {
      const at = cal.startMs + Math.round(pass.minute * MS_PER_MIN);
      if (at < dayStart || at >= dayEnd || doorDead(at)) continue;
      inputs.push({ kind: 'event', item: { id: `${devices.door.id}-${at}-${pass.type}`, device_id: devices.door.id, subject: devices.door.subject, type: pass.type, event_time: toWireTime(at), attributes: {} } });
    }
    for (const minute of life.gateCards) {
      const at = cal.startMs + Math.round(minute * MS_PER_MIN);
      if (at < dayStart || at >= dayEnd) continue;
      inputs.push({
        kind: 'event',
        item: { id: `${GATE_READER.id}-${at}-${this.sources.cardRef}`, device_id: GATE_READER.id, subject: GATE_READER.subject, type: 'credential_granted', event_time: toWireTime(at), attributes: { credential_ref: this.sources.cardRef, credential_type: 'card' } },
      });
    }
    const beat = this.sources.doorHeartbeatMin;
    if (beat !== undefined) {
      for (let at = dayStart + (this.sources.phaseS % 60) * 1000; at < dayEnd; at += beat * MS_PER_MIN) {
        if (doorDead(at)) continue;
        inputs.push({ kind: 'readings', frame: { device_id: devices.door.id, subject: devices.door.subject, event_time: toWireTime(at), readings: [reading(devices.door, at, 'heartbeat', ++this.heartbeat, 'count')] } });
      }
    }
    return inputs;
  }

  private poll(meter: 'water' | 'power', at: number, deadSpans: readonly MinuteSpan[], inputs: EngineInput[], readings: () => ReadingItem[]): void {
    const device = meter === 'water' ? this.sources.devices.water : this.sources.devices.power;
    const answers = !inSpans(deadSpans, this.minuteOf(at)) && this.sources.random() >= POLL_BLIP_CHANCE;
    if (!answers) {
      if (this.online[meter]) inputs.push({ kind: 'availability', device_id: device.id, online: false, reason: 'no_response', at: toWireTime(at) });
      this.online[meter] = false;
      return;
    }
    if (!this.online[meter]) inputs.push({ kind: 'availability', device_id: device.id, online: true, at: toWireTime(at) });
    this.online[meter] = true;
    inputs.push({ kind: 'readings', frame: { device_id: device.id, subject: device.subject, event_time: toWireTime(at), readings: readings() } });
  }

  /** The counter in m3 as the meter shows it: whole steps only. */
  private waterCounter(at: number): number {
    const litres = this.waterBaseL + interpolated(this.waterTotal, this.minuteOf(at));
    const step = this.sources.waterStepL;
    return Math.round(Math.floor(litres / step) * step) / 1000;
  }

  private powerReadings(at: number): ReadingItem[] {
    const minute = Math.floor(this.minuteOf(at));
    const watts = (this.sources.power[minute] ?? 0) * (1 + (this.sources.random() - 0.5) * 0.01);
    const kwh = Math.floor((this.energyBaseKwh + interpolated(this.energyWh, this.minuteOf(at)) / 1000) * 100) / 100;
    const device = this.sources.devices.power;
    return [reading(device, at, 'active_power', Math.round(watts / 0.1) / 10_000, 'kW'), reading(device, at, 'forward_active_energy', kwh, 'kWh')];
  }

  private minuteOf(at: number): number {
    return (at - this.sources.cal.startMs) / MS_PER_MIN;
  }
}

function reading(device: DeviceInfo, at: number, point: string, value: number, unit: Unit): ReadingItem {
  return { id: `${device.id}-${at}-${point}`, device_id: device.id, point, value, unit, event_time: toWireTime(at) };
}

/** Running totals at each minute boundary: total[m] is what flowed before minute m. */
function cumulative(perMinute: Float32Array, scale: number): Float64Array {
  const total = new Float64Array(perMinute.length + 1);
  for (let m = 0; m < perMinute.length; m++) total[m + 1] = total[m]! + perMinute[m]! * scale;
  return total;
}

function interpolated(total: Float64Array, minute: number): number {
  const whole = Math.max(0, Math.min(total.length - 2, Math.floor(minute)));
  const fraction = Math.max(0, Math.min(1, minute - whole));
  return total[whole]! + (total[whole + 1]! - total[whole]!) * fraction;
}

function inSpans(spans: readonly MinuteSpan[], minute: number): boolean {
  return spans.some((span) => minute >= span.from && minute < span.to);
}
