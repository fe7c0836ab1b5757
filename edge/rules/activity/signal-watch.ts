import type { Subject } from '../../../shared/contract/index.js';
import type { DeviceDirectory } from '../rule.js';
import { signalOfDeviceKind, type ActivitySignal } from './activity-signal.js';
import { meterSilenceMs, type MeterTrack } from './meter-track.js';

/**
 * Which of a household's signals are watching it now, and since when without a break: no data is
 * not no activity (ThingsBoard #14210: a duration alarm fired during a data gap). A meter watches
 * while the driver has it online and its frames come without a gap; a door controller pushes
 * events only when something happens, so it watches while the driver has it online, unless it is
 * known to be dead (its heartbeat stopped, or the household's signals say so: care/door-watch.ts).
 */
export interface SignalWatch {
  signal: ActivitySignal;
  /** The household's devices feeding this signal. */
  devices: string[];
  watching: boolean;
  /** Watching without a break since (engine time); 0 when it always has. */
  since: number;
  /** Devices not watching, and why. */
  blind: BlindDevice[];
}

export interface BlindDevice {
  device_id: string;
  /** supply_cut: the meter reads, but no water runs anywhere on the estate (care/water-supply.ts). */
  state: 'offline' | 'silent' | 'no_data' | 'supply_cut';
  /** Offline since, or the last frame of a silent meter. */
  since?: number;
}

export interface WatchSources {
  devices: DeviceDirectory;
  /** The rule's track of a meter, if it has seen frames of it. */
  meterTrack(deviceId: string): MeterTrack | undefined;
  /** When a door controller last came back online (0 if never seen offline). */
  doorOnlineSince(deviceId: string): number;
  /** Since when a door controller online for its driver is known not to report, if it is. */
  doorSilentSince?(deviceId: string): number | undefined;
}

export function watchSignals(unit: Subject, now: number, sources: WatchSources, enabled: (signal: ActivitySignal) => boolean): SignalWatch[] {
  const bySignal = new Map<ActivitySignal, SignalWatch>();
  for (const device of sources.devices.about(unit)) {
    const signal = signalOfDeviceKind(device.kind);
    if (!signal || !enabled(signal)) continue;
    const watch = bySignal.get(signal) ?? { signal, devices: [], watching: false, since: Number.POSITIVE_INFINITY, blind: [] };
    bySignal.set(signal, watch);
    watch.devices.push(device.id);
    const offlineSince = sources.devices.offlineSince(device.id);
    if (offlineSince !== undefined) {
      watch.blind.push({ device_id: device.id, state: 'offline', since: offlineSince });
      continue;
    }
    let since: number;
    if (signal === 'door') {
      const silent = sources.doorSilentSince?.(device.id);
      if (silent !== undefined) {
        watch.blind.push({ device_id: device.id, state: 'silent', since: silent });
        continue;
      }
      since = sources.doorOnlineSince(device.id);
    } else {
      const track = sources.meterTrack(device.id);
      if (!track) {
        watch.blind.push({ device_id: device.id, state: 'no_data' });
        continue;
      }
      if (track.offline || now - track.at > meterSilenceMs(device.pollIntervalMs)) {
        watch.blind.push({ device_id: device.id, state: 'silent', since: track.at });
        continue;
      }
      since = track.since;
    }
    watch.watching = true;
    watch.since = Math.min(watch.since, since);
  }
  return [...bySignal.values()];
}
