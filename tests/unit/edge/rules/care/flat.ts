import type { EventType } from '../../../../../shared/contract/index.js';
import type { CanonicalEvent } from '../../../../../edge/model/device-data.js';
import { createDefaultRules } from '../../../../../edge/rules/default-rules.js';
import type { Rule } from '../../../../../edge/rules/rule.js';
import { Bench, doorEvent, enrolled, gateCard, home, MINUTE, powerFrame, rulesConfig, waterFrame } from '../../../../rules/care/harness.js';

/**
 * One flat lived minute by minute through the real engine and the default rules: the power is a
 * standing load plus whatever runs (a heater's reheat, a kettle, a TV), read with the energy
 * register every 5 minutes as an SDM120 gives it (0.01 kWh); water is drawn at its minutes and read
 * every 5 minutes as a CJ/T 188 meter counts it, in 10-litre steps; door passages and gate cards
 * come when they happen. Each test sets her days by hand, so a failing test reads as a story.
 */
export class Flat {
  readonly unitId = 'hh-1';
  readonly h = home(this.unitId);
  readonly bench: Bench;
  private readonly loads: Array<{ from: number; to: number; watts: number }> = [];
  private readonly draws = new Map<number, number>();
  private events: Array<{ at: number; from: 'door' | 'gate'; event: () => CanonicalEvent }> = [];
  private minute: number;
  private kwh = 2_000;
  private litres = 100_000;

  constructor(
    start: number,
    private readonly profile: Record<string, unknown> = {},
    options: { rules?: Rule[]; standingW?: number } = {},
  ) {
    this.minute = start - MINUTE;
    this.standingW = options.standingW ?? 70;
    this.bench = new Bench({ rules: options.rules ?? createDefaultRules(), devices: [...this.h.devices], config: this.config() });
  }

  private readonly standingW: number;

  config(extra: Record<string, unknown> = {}) {
    return rulesConfig({ care: { households: [enrolled(this.unitId, { credential_refs: ['card-hh-1'], ...this.profile, ...extra })] } });
  }

  /** A load of `watts` on for `minutes` from `at`. */
  load(at: number, minutes: number, watts: number): this {
    this.loads.push({ from: at, to: at + minutes * MINUTE, watts });
    return this;
  }

  /** Litres drawn in the minute from `at`. */
  water(at: number, litres: number): this {
    this.draws.set(at, (this.draws.get(at) ?? 0) + litres);
    return this;
  }

  /** A tap running at `litresPerMin` for `minutes` from `at`. */
  tap(at: number, minutes: number, litresPerMin: number): this {
    for (let minute = 0; minute < minutes; minute++) this.water(at + minute * MINUTE, litresPerMin);
    return this;
  }

  /** Through the unit door: going out (opened, closed), or coming in by card. */
  door(at: number, how: 'out' | 'in'): this {
    const types: EventType[] = how === 'in' ? ['credential_granted', 'door_opened', 'door_closed'] : ['door_opened', 'door_closed'];
    types.forEach((type, index) => this.events.push({ at: at + index * 10_000, from: 'door', event: () => doorEvent(this.h.door, at + index * 10_000, type) }));
    return this;
  }

  /** Her card at the estate gate. */
  gate(at: number): this {
    this.events.push({ at, from: 'gate', event: () => gateCard(at, 'card-hh-1') });
    return this;
  }

  /** The door controller is dead from `from`: the passages through the door after it are never reported. */
  dropDoorEventsFrom(from: number): this {
    this.events = this.events.filter((item) => item.from !== 'door' || item.at < from);
    return this;
  }

  /** Lives every minute up to `to`: events as they come, both meters read every 5 minutes. */
  liveTo(to: number): this {
    this.events.sort((a, b) => a.at - b.at);
    for (let minute = this.minute + MINUTE; minute <= to; minute += MINUTE) {
      const watts = this.wattsAt(minute);
      this.kwh += watts / 60 / 1000;
      this.litres += this.draws.get(minute) ?? 0;
      while (this.events.length > 0 && this.events[0]!.at < minute + MINUTE) this.bench.event(this.events.shift()!.event());
      if (minute % (5 * MINUTE) !== 0) continue;
      this.bench.frame(waterFrame(this.h.water, minute, (Math.floor(this.litres / 10) * 10) / 1000));
      this.bench.frame(powerFrame(this.h.power, minute, Math.round(watts * 10) / 10, Math.floor(this.kwh * 100) / 100));
    }
    this.minute = to;
    return this;
  }

  /** Care alerts of the household. */
  care() {
    return this.bench.alerts.filter((alert) => alert.category === 'care_visit');
  }

  private wattsAt(minute: number): number {
    let watts = this.standingW;
    for (const load of this.loads) if (minute >= load.from && minute < load.to) watts += load.watts;
    return watts;
  }
}
