import { z } from 'zod';

/** The cjt188 driver's part of a profile. (Outline: the cjt188 driver fleshes this out.) */
export const Cjt188PointAttributesSchema = z.object({
  /** Which field of the 0x901F reply (protocols.md 4.2) this point is. */
  field: z.enum(['current_volume', 'settlement_volume', 'valve_state', 'battery_low']),
});
export type Cjt188PointAttributes = z.infer<typeof Cjt188PointAttributesSchema>;

export const Cjt188ProfileSectionSchema = z.object({}).default({});
export type Cjt188ProfileSection = z.infer<typeof Cjt188ProfileSectionSchema>;

/** Points that read the same field. */
export function cjt188AddressProblems(points: ReadonlyArray<{ name: string; attributes: Cjt188PointAttributes }>): Array<{ index: number; message: string }> {
  void points;
  return [];
}
