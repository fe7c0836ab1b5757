import { z } from 'zod';

/** The dlt645 driver's part of a profile. (Outline: the dlt645 driver fleshes this out.) */
export const Dlt645PointAttributesSchema = z.object({
  /** Data identifier DI3 DI2 DI1 DI0 as 8 hex digits, e.g. "00010000" (protocols.md 3.2). */
  di: z.string().regex(/^[0-9A-Fa-f]{8}$/),
  /** BCD format of the value, e.g. "XXXXXX.XX": digits before and after the decimal point. */
  format: z.string().regex(/^X+(\.X+)?$/),
  signed: z.boolean().default(false),
});
export type Dlt645PointAttributes = z.infer<typeof Dlt645PointAttributesSchema>;

export const Dlt645ProfileSectionSchema = z.object({}).default({});
export type Dlt645ProfileSection = z.infer<typeof Dlt645ProfileSectionSchema>;

/** Points that read the same data identifier. */
export function dlt645AddressProblems(points: ReadonlyArray<{ name: string; attributes: Dlt645PointAttributes }>): Array<{ index: number; message: string }> {
  void points;
  return [];
}
