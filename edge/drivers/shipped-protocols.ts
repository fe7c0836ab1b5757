import { cjt188Manifest } from './cjt188/cjt188-manifest.js';
import { dlt645Manifest } from './dlt645/dlt645-manifest.js';
import { modbusManifest } from './modbus/modbus-manifest.js';
import { mqttManifest } from './mqtt/mqtt-manifest.js';
import { createProtocolRegistry, type ProtocolRegistry } from './protocol-registry.js';
import type { ProfileOf } from './protocol-manifest.js';

/**
 * The protocols the gateway ships with: one line per folder under edge/drivers/. A new protocol is
 * a folder exporting its manifest (protocol-manifest.ts) and one more entry here.
 */
export const SHIPPED_MANIFESTS = [modbusManifest, dlt645Manifest, cjt188Manifest, mqttManifest] as const;

/** A profile of any shipped protocol; `driver` tells which. */
export type ShippedDeviceProfile = ProfileOf<(typeof SHIPPED_MANIFESTS)[number]>;

export const SHIPPED_PROTOCOLS: ProtocolRegistry<ShippedDeviceProfile> = createProtocolRegistry(SHIPPED_MANIFESTS);

/** The schema of any shipped profile (device-profiles/*.yaml). */
export const DeviceProfileSchema = SHIPPED_PROTOCOLS.profileSchema;
