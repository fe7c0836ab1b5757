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
 * reading 6 reports the fault once, and the first poll after a start reports what is active.
 */
export class PointEventDetector {
  private readonly last = new Map<string, number>();

  constructor(
    private readonly faults: PointFaultTable | undefined,
    private readonly pointEvents: readonly PointEvent[],
  ) {}

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
    for (const [point, value] of values) this.last.set(point, value);
    return events;
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
