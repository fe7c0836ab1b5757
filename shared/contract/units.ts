import { z } from 'zod';

/**
 * Units a reading may carry. Profiles are checked against this list so that "kWh" never arrives as
 * "KWH" or "Wh" by accident (SDM energy registers are kWh: edge/drivers/modbus/README.md).
 */
export const UNITS = [
  'V', 'A', 'W', 'kW', 'VA', 'var', 'kWh', 'kvarh', 'Hz', 'pf',
  'm3', 'm3/h', 'L', 'L/h', 'm/s', 'GJ', 'GJ/h', 'C', '%',
  's', 'h', 'count', 'floor', 'bool', 'enum',
] as const;

export const UnitSchema = z.enum(UNITS);
export type Unit = z.infer<typeof UnitSchema>;
