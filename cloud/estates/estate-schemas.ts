import { z } from 'zod';
import { GatewayIdSchema, LocalIdSchema } from '../../shared/contract/index.js';

const NameSchema = z.string().trim().min(1, 'a name is required').max(200);

export const NewEstateSchema = z.object({ id: LocalIdSchema, name: NameSchema });
export type NewEstate = z.input<typeof NewEstateSchema>;

export const NewBuildingSchema = z.object({ id: LocalIdSchema, name: NameSchema });
export type NewBuilding = z.input<typeof NewBuildingSchema>;

/**
 * A unit (a household's home). Its id is pseudonymous (the subject id { kind: 'unit' } on the wire,
 * never a name or a room number); the label is where it is, for the staff who visit ("2-1402").
 */
export const NewUnitSchema = z.object({
  id: LocalIdSchema,
  building_id: LocalIdSchema,
  label: z.string().trim().min(1, 'a label is required').max(50),
});
export type NewUnit = z.input<typeof NewUnitSchema>;

export const ASSET_KINDS = ['lift', 'water_main'] as const;
export const NewAssetSchema = z.object({
  id: LocalIdSchema,
  kind: z.enum(ASSET_KINDS),
  name: NameSchema,
  /** null: an asset of the whole estate (the estate's water main). */
  building_id: LocalIdSchema.nullable().default(null),
});
export type NewAsset = z.input<typeof NewAssetSchema>;

export const NewGatewaySchema = z.object({ id: GatewayIdSchema, name: NameSchema });
export type NewGateway = z.input<typeof NewGatewaySchema>;

const DevicePlacementFields = z.object({
  gateway_id: GatewayIdSchema,
  profile: z.string().trim().min(1, 'a device profile is required').max(100),
  unit_id: LocalIdSchema.nullable().default(null),
  asset_id: LocalIdSchema.nullable().default(null),
});

const ONE_OWNER = {
  check: (device: { unit_id: string | null; asset_id: string | null }) => (device.unit_id === null) !== (device.asset_id === null),
  message: { message: 'a device belongs to exactly one unit or one asset: give unit_id or asset_id', path: ['unit_id'] },
};

/** Where a device is: on a gateway of the estate, belonging to exactly one unit or one asset. */
export const DevicePlacementSchema = DevicePlacementFields.refine(ONE_OWNER.check, ONE_OWNER.message);

/** A device with its id, and where it is (DevicePlacementSchema). */
export const DeviceMappingSchema = DevicePlacementFields.extend({ id: LocalIdSchema }).refine(ONE_OWNER.check, ONE_OWNER.message);
export type DeviceMapping = z.input<typeof DeviceMappingSchema>;
