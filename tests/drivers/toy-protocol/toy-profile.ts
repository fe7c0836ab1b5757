import { z } from 'zod';
import { polledProfileSchema } from '../../../edge/profiles/polled-profile.js';

/**
 * A toy field protocol for the protocol registry's test: a line protocol over TCP whose devices hold
 * numbered registers. This folder is laid out as one under edge/drivers/ would be.
 */
export const ToyPointAttributesSchema = z.object({ register: z.number().int().min(0).max(999) });
export const ToyProfileSectionSchema = z.object({}).prefault({});

function toyAddressProblems(points: ReadonlyArray<{ name: string; attributes: { register: number } }>): Array<{ index: number; message: string }> {
  const seen = new Map<number, number>();
  return points.flatMap((point, index) => {
    const earlier = seen.get(point.attributes.register);
    seen.set(point.attributes.register, index);
    return earlier === undefined ? [] : [{ index, message: `register ${point.attributes.register} is also points.${earlier}` }];
  });
}

export const ToyDeviceProfileSchema = polledProfileSchema('toy', ToyProfileSectionSchema, ToyPointAttributesSchema, toyAddressProblems);
export type ToyDeviceProfile = z.infer<typeof ToyDeviceProfileSchema>;
