import { z } from 'zod';
import { polledProfileSchema } from '../../profiles/polled-profile.js';
import { BCD_FORMAT_PATTERN, MAX_BCD_FORMAT_DIGITS, parseBcdFormat } from '../frame-codec/bcd-number.js';
import { DEFAULT_DLT645_PREAMBLE_COUNT, MAX_DLT645_DATA_LENGTH, MAX_DLT645_PREAMBLE_COUNT } from './dlt645-frame.js';

/**
 * The dlt645 driver's part of a profile (edge/drivers/dlt645/README.md). A point names the data
 * identifier (DI) to read and the BCD format of its value; the driver reads each DI once per poll,
 * however many points take bytes from its reply (a block DI such as 02 01 FF 00, voltages A, B, C,
 * is one read).
 */
export const Dlt645PointAttributesSchema = z.object({
  /** Data identifier DI3 DI2 DI1 DI0 as 8 hex digits, e.g. "00010000" (edge/drivers/dlt645/README.md). */
  di: z.string().regex(/^[0-9A-Fa-f]{8}$/, 'di is 8 hex digits, DI3 first: "00010000"'),
  /** BCD format of the value, e.g. "XXXXXX.XX": digits before and after the decimal point. */
  format: z
    .string()
    .regex(BCD_FORMAT_PATTERN, 'format is written like XXXXXX.XX')
    .refine((format) => format.replace('.', '').length <= MAX_BCD_FORMAT_DIGITS, `a format has at most ${MAX_BCD_FORMAT_DIGITS} digits`),
  /**
   * Bit 7 of the most significant byte is the sign (power, current, combined energy:
   * edge/drivers/dlt645/README.md, data identifiers).
   */
  signed: z.boolean().default(false),
  /** Where the value starts in the DI's data, in bytes after the DI: 0, or 2 / 4 for phases B / C of a block. */
  data_offset: z.number().int().min(0).max(MAX_DLT645_DATA_LENGTH - 4 - 1).default(0),
});
export type Dlt645PointAttributes = z.infer<typeof Dlt645PointAttributesSchema>;

export const Dlt645ProfileSectionSchema = z
  .object({
    /** FE bytes sent before each request to wake the meter (DL/T 645-2007 preamble: 4 is usual). */
    preamble_count: z.number().int().min(0).max(MAX_DLT645_PREAMBLE_COUNT).default(DEFAULT_DLT645_PREAMBLE_COUNT),
    /**
     * exact: a DI's reply must end where its furthest point ends, so a wrong format (XXX.X where the
     * meter sends XXX.XXX) is an error instead of a wrong value; at_least: longer replies are accepted
     * (a block DI of which only some items are read).
     */
    reply_length: z.enum(['exact', 'at_least']).default('exact'),
  })
  .prefault({});
export type Dlt645ProfileSection = z.infer<typeof Dlt645ProfileSectionSchema>;

/** Bytes [start, end) of a point within its DI's data. */
export function dlt645PointSpan(attributes: Dlt645PointAttributes): { start: number; end: number } {
  const { byteLength } = parseBcdFormat(attributes.format);
  return { start: attributes.data_offset, end: attributes.data_offset + byteLength };
}

/** Points that read the same bytes of the same data identifier. */
export function dlt645AddressProblems(points: ReadonlyArray<{ name: string; attributes: Dlt645PointAttributes }>): Array<{ index: number; message: string }> {
  const problems: Array<{ index: number; message: string }> = [];
  // The profile schema may call this with attributes it has already refused (a bad format): those
  // points are skipped here, their own problem is reported by the schema.
  const spans = points.map((point) => {
    try {
      return dlt645PointSpan(point.attributes);
    } catch {
      return undefined;
    }
  });
  points.forEach((point, index) => {
    const span = spans[index];
    if (!span || typeof point.attributes.di !== 'string') return;
    const di = point.attributes.di.toUpperCase();
    for (let earlier = 0; earlier < index; earlier++) {
      const other = points[earlier];
      const otherSpan = spans[earlier];
      if (!other || !otherSpan || typeof other.attributes.di !== 'string' || other.attributes.di.toUpperCase() !== di) continue;
      if (span.start < otherSpan.end && otherSpan.start < span.end) {
        problems.push({ index, message: `reads DI ${di} bytes ${span.start}-${span.end - 1}, as points.${earlier} (${other.name}) does` });
        break;
      }
    }
  });
  return problems;
}

/** A dlt645 profile: the `settings:` above, and points whose `attributes:` say what each reads. */
export const Dlt645DeviceProfileSchema = polledProfileSchema('dlt645', Dlt645ProfileSectionSchema, Dlt645PointAttributesSchema, dlt645AddressProblems);
export type Dlt645DeviceProfile = z.infer<typeof Dlt645DeviceProfileSchema>;
