import type { Component } from '../../shared/lifecycle/component.js';
import type { DeviceConfig } from '../config/device-config.js';
import type { CanonicalEvent, DeviceRef, ReadingFrame } from '../model/device-data.js';
import type { DeviceProfile } from '../profiles/device-profile.js';

/**
 * The one seam every protocol driver plugs into: one Driver interface, one folder per protocol under
 * edge/drivers/ (its manifest, protocol-manifest.ts, says how to make it), and only that folder
 * imports its protocol library. A driver turns what its devices send into canonical events and
 * reading frames and hands them to a DeviceSink; it never sees rules, the outbox or the uplink.
 */
export interface Driver extends Component {
  /** The protocol folder's name, `driver:` of its profiles. */
  readonly protocol: string;
  /** Starts serving a device; allowed before and after start(). Throws if the device is unusable. */
  addDevice(device: DriverDevice): void;
  removeDevice(deviceId: string): void;
}

/** A device instance as a driver receives it: its model and the driver's own config section. */
export interface DriverDevice extends DeviceRef {
  profile: DeviceProfile;
  config: DeviceConfig;
}

export type Availability = { online: true } | { online: false; reason: OfflineReason };

/** Why a device is considered offline; counter and status labels. */
export type OfflineReason = 'local_broker_unreachable' | 'no_response' | 'bus_unavailable';

/**
 * Why device data was refused (the whole message) or partly ignored (one field of it). Each code is
 * a counter label in the gateway's stats.
 */
export type DeviceDataProblemCode =
  // the whole message is refused
  | 'too_large'
  | 'not_json'
  | 'not_object'
  | 'missing_field'
  | 'bad_field'
  | 'no_content'
  // one part is ignored, the rest is used
  | 'bad_time'
  | 'bad_value'
  | 'bad_attribute'
  // text of the device with characters no store should hold, replaced (shared/contract/storable-text.ts)
  | 'unstorable_text'
  | 'unmapped_code';

export interface DeviceDataProblem {
  code: DeviceDataProblemCode;
  /** Names the field and the value at fault, for the log. */
  message: string;
}

/** How drivers feed the rest of the gateway. Calls never throw back into the driver. */
export interface DeviceSink {
  event(event: CanonicalEvent): void;
  readings(frame: ReadingFrame): void;
  availability(deviceId: string, availability: Availability): void;
  /** A message of the device was refused as a whole. */
  rejected(deviceId: string, problem: DeviceDataProblem): void;
  /** Part of a message was ignored; what remained was delivered. */
  ignored(deviceId: string, problem: DeviceDataProblem): void;
  /**
   * Resolves once everything handed in so far is in the outbox (committed, with the rule state
   * behind any alert), so a driver may acknowledge its device only then. Rejects when some of it
   * could not be written: the device must not be told it was delivered.
   */
  settled(): Promise<void>;
  /**
   * The levels of a device's points the driver derives events from (edge/values/point-events.ts),
   * kept with the rule state in the same commit as the events and frame handed in before this
   * call, so a restarted driver knows which levels the rules have already seen. Optional: a sink
   * without rule state keeps none.
   */
  keepPointLevels?(deviceId: string, levels: Readonly<Record<string, number>>): void;
  /** What keepPointLevels last kept for the device (before a restart too), or undefined. */
  pointLevels?(deviceId: string): Readonly<Record<string, number>> | undefined;
}
