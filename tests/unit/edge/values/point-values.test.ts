import { describe, expect, it } from 'vitest';
import { transformAll, transformPoint } from '../../../../edge/values/point-transform.js';
import { PointEventDetector } from '../../../../edge/values/point-events.js';
import { PointEventSchema, PointFaultTableSchema } from '../../../../edge/profiles/polled-profile.js';

describe('point transform (raw x scale + offset, then range)', () => {
  it('applies scale before offset', () => {
    // A temperature register in 0.1 degC steps with a -40 degC origin: raw 652 -> 65.2 - 40 = 25.2
    expect(transformPoint({ name: 'temperature', scale: 0.1, offset: -40 }, 652)).toEqual({ ok: true, point: 'temperature', value: 25.2 });
  });

  it("converts the device's unit to the reading's, and checks the range in the reading's unit", () => {
    // A DL/T 645 meter's XX.XXXX kW: 0.4567 kW is 456.7 W, not 456.70000000000005.
    expect(transformPoint({ name: 'active_power', scale: 1, offset: 0, toReadingUnit: 1000 }, 0.4567)).toEqual({ ok: true, point: 'active_power', value: 456.7 });
    expect(transformPoint({ name: 'active_power', scale: 1, offset: 0, toReadingUnit: 1000, max: 400 }, 0.4567)).toMatchObject({ ok: false, message: expect.stringContaining('456.7 is above the maximum 400') });
  });

  it('refuses values outside the profile range, and points the profile does not have', () => {
    const points = new Map([['voltage', { name: 'voltage', scale: 1, offset: 0, min: 0, max: 300 }]]);
    const results = transformAll(points, [
      { point: 'voltage', raw: 230 },
      { point: 'voltage', raw: 65_535 },
      { point: 'ghost', raw: 1 },
    ]);
    expect(results[0]).toEqual({ ok: true, point: 'voltage', value: 230 });
    expect(results[1]).toMatchObject({ ok: false, message: expect.stringContaining('above the maximum 300') });
    expect(results[2]).toMatchObject({ ok: false, message: expect.stringContaining('not a point') });
  });
});

describe('point events', () => {
  const faults = PointFaultTableSchema.parse({ point: 'fault_code', codes: { '6': 'stopped_outside_door_zone', '7': 'passenger_trapped' } });
  const alarm = PointEventSchema.parse({ point: 'alarm_button', equals: 1, type: 'lift_alarm_button' });

  it('reports a fault once when it appears, and its clearing when the code changes back', () => {
    const detector = new PointEventDetector(faults, []);
    expect(detector.detect(new Map([['fault_code', 0]]))).toEqual([]);
    expect(detector.detect(new Map([['fault_code', 6]]))).toEqual([{ type: 'lift_fault', attributes: { fault: 'stopped_outside_door_zone', vendor_code: 6 } }]);
    expect(detector.detect(new Map([['fault_code', 6]]))).toEqual([]);
    expect(detector.detect(new Map([['fault_code', 7]]))).toEqual([
      { type: 'lift_fault_cleared', attributes: { fault: 'stopped_outside_door_zone', vendor_code: 6 } },
      { type: 'lift_fault', attributes: { fault: 'passenger_trapped', vendor_code: 7 } },
    ]);
    expect(detector.detect(new Map([['fault_code', 0]]))).toEqual([{ type: 'lift_fault_cleared', attributes: { fault: 'passenger_trapped', vendor_code: 7 } }]);
  });

  it('keeps an unlisted vendor code as fault "other" with the code', () => {
    const detector = new PointEventDetector(faults, []);
    expect(detector.detect(new Map([['fault_code', 99]]))).toEqual([{ type: 'lift_fault', attributes: { fault: 'other', vendor_code: 99 } }]);
  });

  it('emits a point event on the rising edge only, and ignores polls that miss the point', () => {
    const detector = new PointEventDetector(undefined, [alarm]);
    expect(detector.detect(new Map([['alarm_button', 1]]))).toEqual([{ type: 'lift_alarm_button', attributes: {} }]);
    expect(detector.detect(new Map([['alarm_button', 1]]))).toEqual([]);
    expect(detector.detect(new Map())).toEqual([]);
    expect(detector.detect(new Map([['alarm_button', 0]]))).toEqual([]);
    expect(detector.detect(new Map([['alarm_button', 1]]))).toHaveLength(1);
  });
});
