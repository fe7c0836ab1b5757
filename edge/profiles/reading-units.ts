import { z } from 'zod';
import { UNITS, UnitSchema, type Unit } from '../../shared/contract/index.js';

/**
 * One unit per kind of quantity for every reading that leaves the drivers, whatever the device
 * counts in: power in W, energy in kWh, volume in m3, flow in m3/h. A profile writes the reading's
 * unit as `unit:` and, where the device counts in another, the device's as `device_unit:`; the value
 * is converted once, in edge/values/point-transform.ts (polled devices) or the MQTT payload mapper.
 * Rules, stores and charts then never see kW beside W.
 */

/** Device units that are not reading units, and the reading unit and factor they convert to. */
export const DEVICE_UNIT_CONVERSIONS: Readonly<Partial<Record<Unit, { unit: Unit; factor: number }>>> = {
  kW: { unit: 'W', factor: 1000 },
  L: { unit: 'm3', factor: 0.001 },
  'L/h': { unit: 'm3/h', factor: 0.001 },
};

/** The units a reading may carry when it leaves a driver. */
export const READING_UNITS: readonly Unit[] = UNITS.filter((unit) => DEVICE_UNIT_CONVERSIONS[unit] === undefined);

/**
 * Points the rules read by name (edge/rules/activity/meter-points.ts), and the reading unit each
 * must carry: a profile that gives one of them another unit would be ignored by the rules.
 */
export const NAMED_POINT_UNITS: Readonly<Record<string, Unit>> = {
  active_power: 'W',
  total_power: 'W',
  import_energy: 'kWh',
  forward_active_energy: 'kWh',
  current_volume: 'm3',
  forward_total: 'm3',
  forward_total_fraction: 'm3',
  flow_rate: 'm3/h',
};

/** `unit:` and `device_unit:` of a point, for the point schemas of polled and MQTT profiles. */
export const readingUnitFields = {
  /** The unit of the reading: one of READING_UNITS. */
  unit: UnitSchema.superRefine((unit, ctx) => {
    const conversion = DEVICE_UNIT_CONVERSIONS[unit];
    if (conversion) {
      ctx.addIssue({ code: 'custom', message: `readings carry ${conversion.unit}, not ${unit}: write unit: ${conversion.unit} and device_unit: ${unit}` });
    }
  }),
  /** The unit the device counts in, when it is not the reading's; the value is converted to unit. */
  device_unit: UnitSchema.optional(),
};

/** Checks a point's units: the device unit converts to the reading unit, and a named point has its unit. */
export function checkPointUnits(name: string, point: { unit: Unit; device_unit?: Unit | undefined }, path: Array<string | number>, ctx: z.RefinementCtx): void {
  const expected = NAMED_POINT_UNITS[name];
  // A unit that is not a reading unit is refused by its own field already.
  if (expected !== undefined && point.unit !== expected && DEVICE_UNIT_CONVERSIONS[point.unit] === undefined) {
    ctx.addIssue({ code: 'custom', path: [...path, 'unit'], message: `${name} is read by the rules in ${expected}, not ${point.unit}` });
  }
  if (point.device_unit !== undefined && point.device_unit !== point.unit && DEVICE_UNIT_CONVERSIONS[point.device_unit]?.unit !== point.unit) {
    ctx.addIssue({ code: 'custom', path: [...path, 'device_unit'], message: `a device's ${point.device_unit} does not convert to ${point.unit}` });
  }
}

/** The factor from the point's device unit to its reading unit: 1 when they are the same. */
export function deviceUnitFactor(point: { unit: Unit; device_unit?: Unit | undefined }): number {
  if (point.device_unit === undefined || point.device_unit === point.unit) return 1;
  const conversion = DEVICE_UNIT_CONVERSIONS[point.device_unit];
  if (conversion?.unit !== point.unit) throw new Error(`${point.device_unit} does not convert to ${point.unit}`);
  return conversion.factor;
}
