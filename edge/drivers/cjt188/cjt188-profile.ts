import { z } from 'zod';
import { polledProfileSchema } from '../../profiles/polled-profile.js';
import { DEFAULT_CJT188_PREAMBLE_COUNT, MAX_CJT188_PREAMBLE_COUNT, METER_TYPE } from './cjt188-frame.js';
import { DEFAULT_STATUS_LAYOUT, type StatusLayout, type ValveState } from './cjt188-status.js';
import { CodeKeySchema, codeOfKey } from './cjt188-code-key.js';
import { DEFAULT_VOLUME_UNITS } from './cjt188-units.js';

/**
 * The cjt188 driver's part of a profile (edge/drivers/cjt188/README.md): water and gas meters read
 * with DI 0x901F. The settings carry what differs between vendors: DI byte order, ST bit layout,
 * unit codes.
 */
export const CJT188_FIELDS = ['current_volume', 'settlement_volume', 'valve_state', 'battery_low'] as const;
export type Cjt188Field = (typeof CJT188_FIELDS)[number];

export const Cjt188PointAttributesSchema = z.object({
  /**
   * Which field of the 0x901F reply (edge/drivers/cjt188/README.md) this point is: current_volume and
   * settlement_volume in m3 (converted from the reply's unit code); valve_state 0 open, 1 closed,
   * 3 abnormal; battery_low 1 low, 0 normal.
   */
  field: z.enum(CJT188_FIELDS),
});
export type Cjt188PointAttributes = z.infer<typeof Cjt188PointAttributesSchema>;

const byteSchema = z.number().int().min(0).max(0xff);

const DEFAULT_VALVE_VALUES: Record<string, ValveState> = Object.fromEntries([...DEFAULT_STATUS_LAYOUT.valveValues].map(([code, state]) => [String(code), state]));

/** ST layout (edge/drivers/cjt188/README.md, status word): default D1D0 valve and D2 battery of the first byte. */
export const Cjt188StatusLayoutSchema = z
  .object({
    /** 0: the first ST byte sent holds the bits; 1: the second. */
    byte: z.union([z.literal(0), z.literal(1)]).default(DEFAULT_STATUS_LAYOUT.byte),
    valve_mask: byteSchema.default(DEFAULT_STATUS_LAYOUT.valveMask),
    valve_shift: z.number().int().min(0).max(7).default(DEFAULT_STATUS_LAYOUT.valveShift),
    /** (ST & valve_mask) >> valve_shift -> state; a pattern not listed reads as abnormal. */
    valve_values: z.record(CodeKeySchema, z.enum(['open', 'closed', 'abnormal'])).default(DEFAULT_VALVE_VALUES),
    /** Bit set = battery low. */
    battery_mask: byteSchema.default(DEFAULT_STATUS_LAYOUT.batteryMask),
  })
  .superRefine((status, ctx) => {
    if ((status.valve_mask & status.battery_mask) !== 0) ctx.addIssue({ code: 'custom', path: ['battery_mask'], message: 'battery_mask overlaps valve_mask' });
    for (const key of Object.keys(status.valve_values)) {
      const pattern = codeOfKey(key);
      if (((pattern << status.valve_shift) & status.valve_mask) !== pattern << status.valve_shift) {
        ctx.addIssue({ code: 'custom', path: ['valve_values', key], message: `pattern ${key} shifted by ${status.valve_shift} falls outside valve_mask` });
      }
    }
  });

/**
 * Water (0x10-0x19) and gas (0x30-0x39) meters share the 0x901F layout; heat meters do not
 * (edge/drivers/cjt188/README.md, the 0x901F reply).
 */
function isWaterOrGasType(type: number): boolean {
  return (type >= 0x10 && type <= 0x19) || (type >= 0x30 && type <= 0x39);
}

export const Cjt188ProfileSectionSchema = z
  .object({
    /** Meter type byte T (CJ/T 188-2004): 0x10 cold water. */
    meter_type: byteSchema
      .refine(isWaterOrGasType, 'meter_type must be a water (0x10-0x19) or gas (0x30-0x39) meter; heat meters answer 0x901F with another layout')
      .default(METER_TYPE.coldWater),
    /** How requests send DI 0x901F: high_first 90 1F, low_first 1F 90. Replies are accepted either way. */
    di_order: z.enum(['high_first', 'low_first']).default('high_first'),
    /** FE bytes before each request (CJ/T 188-2004 asks for 2-4). */
    preamble_count: z.number().int().min(0).max(MAX_CJT188_PREAMBLE_COUNT).default(DEFAULT_CJT188_PREAMBLE_COUNT),
    /** Refuse replies whose SER is not the request's (CJ/T 188-2004: the meter echoes it). */
    require_ser_echo: z.boolean().default(true),
    /** Unit code -> factor to m3. 0x29 L and 0x2C m3 by default; list the UNVERIFIED x10/x100 codes if a meter sends them. */
    volume_units: z.record(CodeKeySchema, z.number().positive()).default({ ...DEFAULT_VOLUME_UNITS }),
    status: Cjt188StatusLayoutSchema.prefault({}),
  })
  .prefault({});
export type Cjt188ProfileSection = z.infer<typeof Cjt188ProfileSectionSchema>;

/** The profile's status section as the decoder takes it. */
export function statusLayoutOf(status: Cjt188ProfileSection['status']): StatusLayout {
  return {
    byte: status.byte,
    valveMask: status.valve_mask,
    valveShift: status.valve_shift,
    valveValues: new Map(Object.entries(status.valve_values).map(([key, state]) => [codeOfKey(key), state])),
    batteryMask: status.battery_mask,
  };
}

/** Points that read the same field. */
export function cjt188AddressProblems(points: ReadonlyArray<{ name: string; attributes: Cjt188PointAttributes }>): Array<{ index: number; message: string }> {
  const seen = new Map<string, number>();
  const problems: Array<{ index: number; message: string }> = [];
  points.forEach((point, index) => {
    const earlier = seen.get(point.attributes.field);
    if (earlier !== undefined) problems.push({ index, message: `reads field ${point.attributes.field}, as points.${earlier} (${points[earlier]?.name}) does` });
    else seen.set(point.attributes.field, index);
  });
  return problems;
}

/** A cjt188 profile: the `settings:` above, and points whose `attributes:` say what each reads. */
export const Cjt188DeviceProfileSchema = polledProfileSchema('cjt188', Cjt188ProfileSectionSchema, Cjt188PointAttributesSchema, cjt188AddressProblems);
export type Cjt188DeviceProfile = z.infer<typeof Cjt188DeviceProfileSchema>;
