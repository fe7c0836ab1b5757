import { DEFAULT_PUSH_SILENCE_S, type DeviceRulesConfig } from '../../../shared/contract/rules-config-devices.js';
import { memoByObject } from '../engine/object-memo.js';
import type { DeviceInfo } from '../rule.js';

/**
 * How long a device may go without a good reading before it is offline, in ms, or undefined when it
 * is not watched: its own silence_s; else, for a polled device, missed_polls poll periods; else the
 * silence limit of its kind (push_silence_s over DEFAULT_PUSH_SILENCE_S).
 */
export function silenceLimitMs(device: DeviceInfo, config: DeviceRulesConfig): number | undefined {
  // Asked for every frame of every device: worked out once per device and config.
  const known = limitsByConfig(config);
  let limit = known.get(device);
  if (limit === undefined) known.set(device, (limit = configuredLimitMs(device, config) ?? null));
  return limit ?? undefined;
}

const limitsByConfig = memoByObject((_config: DeviceRulesConfig) => new WeakMap<DeviceInfo, number | null>());

function configuredLimitMs(device: DeviceInfo, config: DeviceRulesConfig): number | undefined {
  const own = config.per_device[device.id];
  if (own?.silence_s === null) return undefined;
  if (own?.silence_s !== undefined) return own.silence_s * 1000;
  if (device.pollIntervalMs !== undefined) return (own?.missed_polls ?? config.missed_polls) * device.pollIntervalMs;
  const seconds = Object.hasOwn(config.push_silence_s, device.kind) ? config.push_silence_s[device.kind] : DEFAULT_PUSH_SILENCE_S[device.kind];
  return seconds === null || seconds === undefined ? undefined : seconds * 1000;
}
