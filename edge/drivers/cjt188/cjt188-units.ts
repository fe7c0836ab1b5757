import { hexByte } from '../frame-codec/hex.js';
import { codeOfKey } from './cjt188-code-key.js';

/**
 * Volume unit codes of CJ/T 188-2004 Table 13 as ng_driver_cjt188 `Unit::from_code` implements it
 * (edge/drivers/cjt188/README.md, unit codes): 0x29 L, 0x2C m3; the x10 / x100 variants sit at +1 /
 * +2 (0x2A L x10, 0x2B L x100, 0x2D m3 x10, 0x2E m3 x100) and are UNVERIFIED against the standard,
 * so a profile has to list them itself. Values are factors to m3, the unit of the volume points.
 */
export const UNIT_CODE_LITRE = 0x29;
export const UNIT_CODE_CUBIC_METRE = 0x2c;

/** The codes every profile understands unless it says otherwise. */
export const DEFAULT_VOLUME_UNITS: Readonly<Record<string, number>> = { '0x29': 0.001, '0x2C': 1 };

/** The x10 / x100 codes (UNVERIFIED), for profiles of meters known to send them. */
export const UNVERIFIED_SCALED_VOLUME_UNITS: Readonly<Record<string, number>> = { '0x2A': 0.01, '0x2B': 0.1, '0x2D': 10, '0x2E': 100 };

/** The profile's table as code -> factor. */
export function volumeUnitTable(units: Readonly<Record<string, number>>): ReadonlyMap<number, number> {
  return new Map(Object.entries(units).map(([key, factor]) => [codeOfKey(key), factor]));
}

/**
 * A volume in the meter's unit -> m3; throws a RangeError for a code the table lacks.
 * 1234.56 L (code 0x29, x 0.001) -> 1.23456 m3. Rounded to 12 significant digits so that the
 * conversion adds no binary noise (0.1 x 3 would be 0.30000000000000004).
 */
export function toCubicMetres(value: number, unitCode: number, table: ReadonlyMap<number, number>): number {
  const factor = table.get(unitCode);
  if (factor === undefined) throw new RangeError(`unit code 0x${hexByte(unitCode)} is not in the profile's volume_units`);
  return Number((value * factor).toPrecision(12));
}
