import type { LiftFault } from '../../../shared/contract/index.js';
import type { MqttDeviceProfile } from './mqtt-profile.js';
import type { EventMapping } from './mqtt-profile.js';
import { parseVendorCode } from './vendor-code.js';

/** A profile's code tables keyed by numeric code, built once per profile object. */
export interface CodeTables {
  events: ReadonlyMap<number, EventMapping>;
  ignoredEvents: ReadonlySet<number>;
  faults: ReadonlyMap<number, LiftFault>;
  noFault: number | null;
}

const cache = new WeakMap<MqttDeviceProfile, CodeTables>();

export function codeTablesOf(profile: MqttDeviceProfile): CodeTables {
  let tables = cache.get(profile);
  if (!tables) {
    const { events, faults } = profile.mqtt;
    tables = {
      events: byCode(Object.entries(events?.codes ?? {})),
      ignoredEvents: new Set((events?.ignore_codes ?? []).map(parseVendorCode).filter((c): c is number => c !== null)),
      faults: byCode(Object.entries(faults?.codes ?? {})),
      noFault: faults ? parseVendorCode(faults.none_code) : null,
    };
    cache.set(profile, tables);
  }
  return tables;
}

/** Keys were checked by the profile schema, so every one parses. */
function byCode<T>(entries: Array<[string, T]>): Map<number, T> {
  return new Map(entries.map(([key, value]) => [parseVendorCode(key) ?? -1, value]));
}
