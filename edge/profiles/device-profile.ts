import { z } from 'zod';
import { DOOR_EVENT_TYPES, LIFT_EVENT_TYPES, type EventType } from '../../shared/contract/index.js';

/**
 * A device profile describes a device model as data (device-profiles/*.yaml). The common part below
 * names the model; `driver:` names the protocol folder under edge/drivers/ whose manifest owns the
 * rest of the schema (edge/drivers/protocol-manifest.ts). The profiles a gateway accepts are the
 * union of its protocols' schemas (edge/drivers/protocol-registry.ts).
 */

export const DEVICE_KINDS = ['door_access_controller', 'lift_monitor', 'electricity_meter', 'water_meter'] as const;
export const DeviceKindSchema = z.enum(DEVICE_KINDS);
export type DeviceKind = z.infer<typeof DeviceKindSchema>;

/** The canonical events a device of each kind may emit; a profile mapping outside this is an error. */
export const EVENT_TYPES_BY_KIND: Record<DeviceKind, readonly EventType[]> = {
  door_access_controller: DOOR_EVENT_TYPES,
  lift_monitor: LIFT_EVENT_TYPES,
  electricity_meter: [],
  water_meter: [],
};

/** Profile ids double as file names: device-profiles/{id}.yaml. */
export const PROFILE_ID_PATTERN = /^[a-z][a-z0-9_]{0,63}$/;

/** The fields every profile has, whatever its driver; a manifest's schema spreads them. */
export const profileCommonFields = {
  id: z.string().regex(PROFILE_ID_PATTERN, 'profile ids are snake_case and match the file name'),
  /** Bumped whenever the mapping changes, so readings can be traced to the mapping that made them. */
  version: z.number().int().positive(),
  kind: DeviceKindSchema,
  manufacturer: z.string().min(1),
  model: z.string().min(1),
  description: z.string().min(1),
};

/** Any profile as code outside its protocol folder sees it: the common part and its driver's name. */
export interface DeviceProfile {
  id: string;
  version: number;
  kind: DeviceKind;
  manufacturer: string;
  model: string;
  description: string;
  /** The protocol folder (and its manifest) that reads devices of this profile. */
  driver: string;
}

/** The name of a protocol folder, as `driver:` of a profile names it. */
export type DriverName = string;

/** Adds an issue at `path` when a device of the kind does not emit the event type. */
export function checkEventKind(kind: DeviceKind, type: EventType, path: Array<string | number>, ctx: z.RefinementCtx): void {
  if (!EVENT_TYPES_BY_KIND[kind].includes(type)) ctx.addIssue({ code: 'custom', path, message: `a ${kind} does not emit ${type}` });
}

/** Adds an issue at `path` when a device of the kind reports lift faults but is not a lift monitor. */
export function checkFaultKind(kind: DeviceKind, path: Array<string | number>, ctx: z.RefinementCtx): void {
  if (kind !== 'lift_monitor') ctx.addIssue({ code: 'custom', path, message: 'only a lift_monitor reports lift faults' });
}
