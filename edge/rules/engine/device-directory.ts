import type { Subject } from '../../../shared/contract/index.js';
import type { DriverDevice } from '../../drivers/driver.js';
import type { DeviceDirectory, DeviceInfo } from '../rule.js';

/** What the rules are told about a bound device (edge/drivers/bind-devices.ts). */
export function deviceInfoOf(device: DriverDevice): DeviceInfo {
  return {
    id: device.id,
    subject: device.subject,
    profile: device.profile.id,
    kind: device.profile.kind,
    // Devices on a field bus are polled; MQTT devices push when they have something to say.
    pollIntervalMs: device.profile.driver === 'mqtt' ? undefined : device.config.poll_interval_s * 1000,
    ...(device.config.bus === undefined ? {} : { bus: device.config.bus }),
  };
}

const NONE: readonly DeviceInfo[] = Object.freeze([]);

/**
 * The gateway's devices as the rules see them. Offline-since times are the engine's own persisted
 * state (read through `offline`), so "offline since 03:12" survives a restart.
 */
export class EngineDeviceDirectory implements DeviceDirectory {
  private readonly byId = new Map<string, DeviceInfo>();
  /** By subject kind, then id: asked on every sighting, with no key string to build for it. */
  private readonly bySubject = new Map<string, Map<string, DeviceInfo[]>>();
  private lastAsked: DeviceInfo | undefined;

  constructor(
    devices: readonly DeviceInfo[],
    private readonly offline: (deviceId: string) => unknown,
  ) {
    for (const device of devices) {
      if (this.byId.has(device.id)) throw new Error(`device ${device.id} is listed twice`);
      this.byId.set(device.id, device);
      let ofKind = this.bySubject.get(device.subject.kind);
      if (!ofKind) this.bySubject.set(device.subject.kind, (ofKind = new Map()));
      const list = ofKind.get(device.subject.id);
      if (list) list.push(device);
      else ofKind.set(device.subject.id, [device]);
    }
  }

  /**
   * Every rule asks after the device of each frame in turn (and the engine before them): the last
   * device asked for is answered without a lookup.
   */
  get(deviceId: string): DeviceInfo | undefined {
    const last = this.lastAsked;
    if (last !== undefined && last.id === deviceId) return last;
    const device = this.byId.get(deviceId);
    if (device !== undefined) this.lastAsked = device;
    return device;
  }

  /** The directory's own list, not a copy: the care rule asks on every sighting. */
  about(subject: Subject): readonly DeviceInfo[] {
    return this.bySubject.get(subject.kind)?.get(subject.id) ?? NONE;
  }

  offlineSince(deviceId: string): number | undefined {
    const since = this.offline(deviceId);
    return typeof since === 'number' ? since : undefined;
  }

  all(): DeviceInfo[] {
    return [...this.byId.values()];
  }
}
