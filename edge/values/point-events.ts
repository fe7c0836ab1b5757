import type { EventAttributes, EventType, LiftFault } from '../../shared/contract/index.js';
import type { PointEvent, PointFaultTable } from '../profiles/polled-profile.js';

/** A canonical event a change of point values stands for, before it gets its id and time. */
export interface PointChangeEvent {
  type: EventType;
  attributes: EventAttributes;
}

/**
 * Turns successive polled values into canonical events, per device, from the profile's fault table
 * and point events (edge/profiles/polled-profile.ts). Only changes count: a fault register that keeps
 * reading 6 reports the fault once.
 *
 * Across a restart: the levels of the watched points (levels()) are kept with the rule state, in
 * the same commit as the events they gave (edge/drivers/driver.ts DeviceSink.keepPointLevels), and
 * resume() starts from them, so an alarm button held through a restart is one press. With nothing
 * kept (a new gateway, a device never polled), the first poll reports what is active.
 */
export class PointEventDetector {
  private readonly last = new Map<string, number>();
  private readonly watched: ReadonlySet<string>;
  private levelsChanged = false;

  constructor(
    private readonly faults: PointFaultTable | undefined,
    private readonly pointEvents: readonly PointEvent[],
  ) {
    this.watched = new Set([...(faults ? [faults.point] : []), ...pointEvents.map((rule) => rule.point)]);
  }

  /** Whether any point gives events at all (a profile without faults or point events: none). */
  get watchesPoints(): boolean {
    return this.watched.size > 0;
  }

  /** Starts from levels kept before a restart (the watched points among them); call before the first detect(). */
  resume(levels: Readonly<Record<string, number>> | undefined): void {
    for (const [point, value] of Object.entries(levels ?? {})) if (this.watched.has(point) && !this.last.has(point)) this.last.set(point, value);
  }

  /** Events for this poll's values (point name -> value); values absent from the poll change nothing. */
  detect(values: ReadonlyMap<string, number>): PointChangeEvent[] {
    const events: PointChangeEvent[] = [];
    if (this.faults) events.push(...this.faultChanges(this.faults, values));
    for (const rule of this.pointEvents) {
      const value = values.get(rule.point);
      if (value === undefined) continue;
      const previous = this.last.get(rule.point);
      if (value === rule.equals && previous !== rule.equals) events.push({ type: rule.type, attributes: { ...rule.attributes } });
    }
    for (const [point, value] of values) {
      if (this.watched.has(point) && this.last.get(point) !== value) this.levelsChanged = true;
      this.last.set(point, value);
    }
    return events;
  }

  /** The watched points' levels when one changed since the last call, to be kept; else undefined. */
  changedLevels(): Record<string, number> | undefined {
    if (!this.levelsChanged) return undefined;
    this.levelsChanged = false;
    const levels: Record<string, number> = {};
    for (const point of this.watched) {
      const value = this.last.get(point);
      if (value !== undefined) levels[point] = value;
    }
    return levels;
  }

  private faultChanges(table: PointFaultTable, values: ReadonlyMap<string, number>): PointChangeEvent[] {
    const code = values.get(table.point);
    if (code === undefined) return [];
    const previous = this.last.get(table.point) ?? table.none_code;
    if (code === previous) return [];
    const events: PointChangeEvent[] = [];
    const before = this.faultOf(table, previous);
    const now = this.faultOf(table, code);
    if (previous !== table.none_code) events.push({ type: 'lift_fault_cleared', attributes: { fault: before, vendor_code: previous } });
    if (code !== table.none_code) events.push({ type: 'lift_fault', attributes: { fault: now, vendor_code: code } });
    return events;
  }

  /** A vendor code the profile does not list is still a fault: "other", with the code kept. */
  private faultOf(table: PointFaultTable, code: number): LiftFault {
    return table.codes[String(code)] ?? 'other';
  }
}
