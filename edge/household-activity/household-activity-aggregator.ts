import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { fromWireTime, type HouseholdActivityItem, type RoutineSummary } from '../../shared/contract/index.js';
import type { CareHousehold, CareRulesConfig } from '../../shared/contract/rules-config-care.js';
import type { Component } from '../../shared/lifecycle/component.js';
import type { Logger } from '../../shared/log/logger.js';
import type { Clock } from '../../shared/time/clock.js';
import type { CanonicalEvent, ReadingFrame } from '../model/device-data.js';
import type { Outbox } from '../outbox/outbox.js';
import { signalOfDeviceKind } from '../rules/activity/activity-signal.js';
import { MS_PER_DAY } from '../rules/activity/local-time.js';
import { electricitySample, waterSample } from '../rules/activity/meter-points.js';
import type { HouseholdCareState } from '../rules/care/care-state.js';
import type { DeviceInfo } from '../rules/rule.js';
import { activityItem } from './activity-item.js';
import { countCounter, countDoorOpening, countPower, hourStart, HOLD_LIMIT_MS, newHouseholdHours, openHoursThrough, resumeAfterGap, takeEndedHours, type HouseholdHoursState } from './household-hours.js';
import { routineSummary } from './routine-summary.js';

/**
 * An hour is sent this long after it ended: by then a meter polled every 5 minutes has reported the
 * sample after the hour, which closes its held power level (household-hours.ts HOLD_LIMIT_MS).
 */
export const SEND_AFTER_HOUR_MS = HOLD_LIMIT_MS;
/** How often ended hours are looked for. */
export const AGGREGATOR_TICK_MS = 10_000;
/**
 * The open hours are saved at most this often (and whenever hours are sent, and at stop): a
 * gateway's eMMC wears with every write, and a minute of door openings is what a power cut may cost.
 */
export const SAVE_EVERY_MS = 60_000;

export interface HouseholdActivityAggregatorOptions {
  devices: readonly DeviceInfo[];
  outbox: Pick<Outbox, 'append'>;
  /** Told after every append, so the uplink drains at once. */
  onAppended: () => void;
  clock: Clock;
  /** The household care rule's committed state of a household (care-state-tap.ts), for the routine summary. */
  careState: (unitId: string) => HouseholdCareState | undefined;
  /** Where the open hours are kept between runs; null keeps them in memory only. */
  statePath: string | null;
  logger: Logger;
  tickMs?: number;
}

interface SavedState {
  households: Record<string, HouseholdHoursState>;
}

/**
 * Hourly activity aggregates of the households enrolled in care with consent (the care section of
 * the rules config in force), from the door, water and electricity signals the gateway already
 * receives for them (household-hours.ts says how each is counted). At SEND_AFTER_HOUR_MS past an
 * hour's end the hour goes to the outbox as one item per household (shared/contract
 * household-activity.ts): the household's pseudonymous id and four numbers, and the care rule's
 * learned routine once a day and whenever it changed. Raw signals are not sent: the uplink policy keeps them on the
 * gateway (edge/privacy/uplink-policy.ts).
 *
 * Consent: only an enrolled household is counted. One that leaves the care config (consent
 * withdrawn) is dropped at once, its open hours and meter marks with it, and nothing more is sent
 * for it; hours already in the outbox still go.
 *
 * Time is the gateway's: inputs carry the event time the pipeline judged (edge/pipeline/receive-time.ts),
 * and hours are sent by the gateway clock. Open hours are saved to statePath at most every
 * SAVE_EVERY_MS, when hours are sent, and at stop; a power cut loses at most that much of door
 * openings and power minutes (litres and kWh come from counters, so none are lost: the next sample
 * counts them).
 */
export class HouseholdActivityAggregator implements Component {
  readonly name = 'household-activity';
  private readonly devicesById: ReadonlyMap<string, DeviceInfo>;
  private readonly doorHouseholds: ReadonlySet<string>;
  private enrolled = new Map<string, CareHousehold>();
  private households = new Map<string, HouseholdHoursState>();
  private readonly lastRoutine = new Map<string, string>();
  private dirty = false;
  private savedAt = Number.NEGATIVE_INFINITY;
  private ticker: NodeJS.Timeout | null = null;
  private sending: Promise<void> = Promise.resolve();
  private sentItems = 0;

  constructor(private readonly options: HouseholdActivityAggregatorOptions) {
    this.devicesById = new Map(options.devices.map((device) => [device.id, device]));
    this.doorHouseholds = new Set(options.devices.filter((device) => device.subject.kind === 'unit' && signalOfDeviceKind(device.kind) === 'door').map((device) => device.subject.id));
  }

  async start(): Promise<void> {
    this.load();
    const now = this.options.clock.now();
    for (const [unitId, hours] of this.households) {
      const household = this.enrolled.get(unitId);
      if (household) resumeAfterGap(hours, hourStart(now, household.utc_offset_min));
    }
    this.ticker = setInterval(() => this.tick(), this.options.tickMs ?? AGGREGATOR_TICK_MS);
    this.ticker.unref();
  }

  async stop(): Promise<void> {
    if (this.ticker) clearInterval(this.ticker);
    this.ticker = null;
    this.tick();
    await this.sending;
    this.save();
  }

  /**
   * The care section of the rules config now in force: who may be counted. A household enrolled
   * now is counted from the next whole hour of the gateway's clock.
   */
  setConfig(care: CareRulesConfig): void {
    this.enrolled = new Map(care.households.map((household) => [household.unit_id, household]));
    for (const unitId of [...this.households.keys()]) {
      if (!this.enrolled.has(unitId)) this.forget(unitId);
    }
    for (const household of this.enrolled.values()) this.hours(household);
  }

  /** An event as the pipeline judged its time. */
  event(event: CanonicalEvent): void {
    if (event.type !== 'door_opened') return;
    const household = this.householdOf(event.device_id, 'door');
    if (!household) return;
    const at = fromWireTime(event.event_time);
    this.changed(countDoorOpening(this.hoursAt(household, at), at, household.utc_offset_min));
  }

  /** A reading frame as the pipeline judged its time. */
  readings(frame: ReadingFrame): void {
    const signal = this.deviceSignal(frame.device_id);
    if (signal !== 'water' && signal !== 'electricity') return;
    const household = this.householdOf(frame.device_id, signal);
    if (!household) return;
    const at = fromWireTime(frame.event_time);
    const hours = this.hoursAt(household, at);
    const offset = household.utc_offset_min;
    if (signal === 'water') {
      const volumeM3 = waterSample(frame)?.volumeM3;
      if (volumeM3 !== undefined) this.changed(countCounter(hours, 'water', frame.device_id, { at, value: volumeM3 * 1000 }, offset));
      return;
    }
    const sample = electricitySample(frame);
    if (sample?.energyKwh !== undefined) this.changed(countCounter(hours, 'energy', frame.device_id, { at, value: sample.energyKwh }, offset));
    if (sample?.powerW !== undefined) this.changed(countPower(hours, frame.device_id, { at, value: sample.powerW }, household.standby_power_w, offset));
  }

  /** Opens the hours up to now and sends those ended SEND_AFTER_HOUR_MS ago; saves what changed. */
  tick(now: number = this.options.clock.now()): void {
    const items: HouseholdActivityItem[] = [];
    for (const household of this.enrolled.values()) {
      const hours = this.hours(household, now);
      openHoursThrough(hours, hourStart(now, household.utc_offset_min), this.doorHouseholds.has(household.unit_id));
      const ended = takeEndedHours(hours, now - SEND_AFTER_HOUR_MS, household.standby_power_w);
      if (ended.length === 0) continue;
      this.dirty = true;
      const routine = this.routineIfChanged(household, now);
      ended.forEach((hour, index) => items.push(activityItem(household.unit_id, hour, index === ended.length - 1 ? routine : undefined)));
    }
    if (items.length > 0) this.send(items);
    if (this.dirty && (items.length > 0 || now - this.savedAt >= SAVE_EVERY_MS)) this.save();
  }

  /** Items handed to the outbox since start. */
  get sent(): number {
    return this.sentItems;
  }

  private send(items: HouseholdActivityItem[]): void {
    const { outbox, onAppended, logger } = this.options;
    this.sending = this.sending
      .then(async () => {
        await outbox.append('activity', items);
        this.sentItems += items.length;
        onAppended();
      })
      .catch((error: unknown) => logger.error({ err: error, items: items.length }, 'appending household activity to the outbox failed; those hours are not sent'));
  }

  /**
   * The routine summary when it differs from the one last sent for the household, or was last sent
   * on another UTC day (so every day's hours carry one), or not since the start.
   */
  private routineIfChanged(household: CareHousehold, now: number): RoutineSummary | undefined {
    const state = this.options.careState(household.unit_id);
    if (!state) return undefined;
    const routine = routineSummary(household, state, now);
    const sent = `${Math.floor(now / MS_PER_DAY)} ${JSON.stringify(routine)}`;
    if (this.lastRoutine.get(household.unit_id) === sent) return undefined;
    this.lastRoutine.set(household.unit_id, sent);
    return routine;
  }

  private deviceSignal(deviceId: string): ReturnType<typeof signalOfDeviceKind> {
    const device = this.devicesById.get(deviceId);
    return device?.subject.kind === 'unit' ? signalOfDeviceKind(device.kind) : undefined;
  }

  /** The enrolled household a device of this signal belongs to. */
  private householdOf(deviceId: string, signal: 'door' | 'water' | 'electricity'): CareHousehold | undefined {
    const device = this.devicesById.get(deviceId);
    if (!device || device.subject.kind !== 'unit' || signalOfDeviceKind(device.kind) !== signal) return undefined;
    return this.enrolled.get(device.subject.id);
  }

  private hours(household: CareHousehold, now: number = this.options.clock.now()): HouseholdHoursState {
    let hours = this.households.get(household.unit_id);
    if (!hours) {
      hours = newHouseholdHours(hourStart(now, household.utc_offset_min));
      this.households.set(household.unit_id, hours);
      this.dirty = true;
    }
    return hours;
  }

  /** The household's hours, opened through the hour of an input at `at` (event time, never after the gateway's clock). */
  private hoursAt(household: CareHousehold, at: number): HouseholdHoursState {
    const hours = this.hours(household);
    openHoursThrough(hours, hourStart(at, household.utc_offset_min), this.doorHouseholds.has(household.unit_id));
    return hours;
  }

  private changed(counted: boolean): void {
    if (counted) this.dirty = true;
  }

  private forget(unitId: string): void {
    this.households.delete(unitId);
    this.lastRoutine.delete(unitId);
    this.dirty = true;
    this.options.logger.info({ household: unitId }, 'household no longer enrolled: its activity is no longer counted or sent');
  }

  private load(): void {
    const path = this.options.statePath;
    if (!path || !existsSync(path)) return;
    try {
      const saved = JSON.parse(readFileSync(path, 'utf8')) as SavedState;
      // What was counted before the stop goes on, for the households still enrolled.
      for (const [unitId, hours] of Object.entries(saved.households)) if (this.enrolled.has(unitId)) this.households.set(unitId, hours);
    } catch (error) {
      this.options.logger.error({ err: error, path }, 'the saved household activity hours cannot be read; counting starts afresh');
    }
  }

  /** Written whole to a temporary file and renamed over the old one, so a power cut leaves one or the other. */
  private save(): void {
    this.dirty = false;
    this.savedAt = this.options.clock.now();
    const path = this.options.statePath;
    if (!path) return;
    const saved: SavedState = { households: Object.fromEntries(this.households) };
    try {
      writeFileSync(`${path}.tmp`, JSON.stringify(saved));
      renameSync(`${path}.tmp`, path);
    } catch (error) {
      this.options.logger.error({ err: error, path }, 'saving the open household activity hours failed');
    }
  }
}
