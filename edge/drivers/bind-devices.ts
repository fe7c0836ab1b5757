import { ConfigError, type ConfigProblem } from '../../shared/config/load-config.js';
import type { DeviceConfig } from '../config/gateway-config.js';
import type { ProfileCatalogue } from '../profiles/load-profiles.js';
import type { DriverDevice } from './driver.js';

/**
 * Binds the configured devices to their profiles. Checks what one schema cannot: unique device ids,
 * that each profile exists, that the device has the config section its profile's driver needs, and
 * that no two devices share an MQTT topic. Throws one ConfigError listing every problem.
 */
export function bindDevices(devices: readonly DeviceConfig[], profiles: ProfileCatalogue, source: string): DriverDevice[] {
  const problems: ConfigProblem[] = [];
  const bound: DriverDevice[] = [];
  const ids = new Map<string, number>();
  const topics = new Map<string, string>();
  devices.forEach((device, index) => {
    const at = (field: string) => `devices.${index}.${field}`;
    const earlier = ids.get(device.id);
    if (earlier !== undefined) problems.push({ path: at('id'), message: `device id "${device.id}" is also used by devices.${earlier}` });
    ids.set(device.id, index);

    const profile = profiles.get(device.profile);
    if (!profile) {
      const known = [...profiles.keys()].join(', ') || 'none';
      problems.push({ path: at('profile'), message: `unknown profile "${device.profile}" (known: ${known})` });
      return;
    }
    if (profile.driver === 'mqtt') {
      const topic = device.mqtt?.topic;
      if (topic === undefined) {
        problems.push({ path: at('mqtt.topic'), message: `profile ${profile.id} uses the mqtt driver, so the device needs mqtt.topic` });
        return;
      }
      const owner = topics.get(topic);
      if (owner !== undefined) problems.push({ path: at('mqtt.topic'), message: `topic "${topic}" is also used by device ${owner}` });
      topics.set(topic, device.id);
    }
    bound.push({ id: device.id, subject: device.subject, profile, config: device });
  });
  if (problems.length > 0) throw new ConfigError(source, problems);
  return bound;
}
