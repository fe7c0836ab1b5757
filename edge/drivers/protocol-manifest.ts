import type { z } from 'zod';
import type { Logger } from '../../shared/log/logger.js';
import type { Clock } from '../../shared/time/clock.js';
import type { BusConfig, FieldBus } from '../bus/bus-config.js';
import type { BusKind } from '../bus/bus-kind.js';
import type { PolledProtocol } from '../bus/polled-protocol.js';
import type { DeviceConfig } from '../config/device-config.js';
import type { DeviceIntakeHost } from '../local-broker/embedded-broker.js';
import type { DeviceProfile } from '../profiles/device-profile.js';
import type { PolledDeviceProfile } from '../profiles/polled-profile.js';
import type { DeviceSink, Driver } from './driver.js';

/**
 * What one protocol folder under edge/drivers/ tells the rest of the gateway, in one object: the
 * schema of its profiles and, for a field protocol, the bus kinds it speaks and its PolledProtocol;
 * for any other, how to make its driver. The registry (protocol-registry.ts) reads nothing else, so
 * a new protocol is its folder plus one line in shipped-protocols.ts.
 */
export type ProtocolManifest = PolledProtocolManifest<any> | DriverProtocolManifest<any>;

interface ManifestCommon<P extends DeviceProfile> {
  /** The folder's name, and `driver:` of the profiles it reads. */
  readonly name: string;
  /**
   * The whole schema of its profiles: an object schema spreading profileCommonFields
   * (edge/profiles/device-profile.ts) with `driver: z.literal(name)`.
   */
  readonly profileSchema: z.ZodType<P>;
}

/** A protocol read by polling devices on field buses (edge/bus): the registry makes its PolledDriver. */
export interface PolledProtocolManifest<P extends PolledDeviceProfile = PolledDeviceProfile> extends ManifestCommon<P> {
  readonly kind: 'polled';
  /** The `protocol:` values a bus of this folder may have, with their transport and defaults. */
  readonly buses: readonly BusKind[];
  readonly polled: PolledProtocol<any, any>;
  /**
   * A device address in the one form that names it (unit id 1 for "001"), so two devices at the
   * same address are found; throws an Error naming what is wrong with it on this bus.
   */
  parseAddress(address: string, bus: BusConfig): string | number;
}

/** A protocol whose devices reach the gateway another way (MQTT: they publish); it makes its own driver. */
export interface DriverProtocolManifest<P extends DeviceProfile = DeviceProfile> extends ManifestCommon<P> {
  readonly kind: 'driver';
  /** Where a device's data arrives (its topic), or the config field that is missing or wrong. */
  endpointOf(device: DeviceConfig, profile: P): DeviceEndpoint | DeviceConfigProblem;
  createDriver(context: DriverContext): Driver;
}

/** Where a device's data comes from; no two devices of a gateway share one. */
export interface DeviceEndpoint {
  /** The config field that names it, relative to the device ("mqtt.topic", "address"). */
  field: string;
  /** Equal for two devices exactly when they would collide. */
  key: string;
  /** For messages: `topic "estate/b1/lift-a"`. */
  label: string;
}

export interface DeviceConfigProblem {
  field: string;
  message: string;
}

/** What the composition root can give a driver; each driver takes the parts it needs. */
export interface DriverContext {
  gatewayId: string;
  sink: DeviceSink;
  logger: Logger;
  clock: Clock;
  /** URL of the gateway's local MQTT broker, known once it listens. */
  localBrokerUrl: () => string;
  /** The embedded local broker, whose intake the MQTT driver becomes; null with an external broker. */
  embeddedBroker: DeviceIntakeHost | null;
  /** The field buses of the gateway config, by id, with their defaults settled (settle-buses.ts). */
  buses: ReadonlyMap<string, FieldBus>;
}

/** The profile type a manifest reads. */
export type ProfileOf<M> = M extends ManifestCommon<infer P> ? P : never;
