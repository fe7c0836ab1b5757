import { SHIPPED_PROFILES_DIR } from '../../../shared/package-root.js';
import { loadProfiles } from '../../../edge/profiles/load-profiles.js';
import type { ShippedDeviceProfile } from '../../../edge/drivers/shipped-protocols.js';
import type { ParsedArgs } from '../command-spec.js';

/**
 * estatecare profiles check [dir]: lints a profile catalogue (the shipped one by default): every file
 * parses, matches its schema and the driver's attribute schema, is named after its id, has unique
 * snake_case points with units from the list, and no two points share a register or data identifier.
 * Every problem of every file is listed (ConfigError, exit 2).
 */
export async function runProfilesCheckCommand({ positionals: [dir] }: ParsedArgs): Promise<void> {
  const folder = dir ?? SHIPPED_PROFILES_DIR;
  const catalogue = loadProfiles(folder);
  const lines = [...catalogue.values()].map((profile) => `  ${profile.id.padEnd(32)} ${profile.driver.padEnd(7)} ${profile.kind.padEnd(24)} ${pointCount(profile)} points  ${profile.manufacturer} ${profile.model}`);
  process.stdout.write(`${catalogue.size} profiles in ${folder}, all valid:\n${lines.join('\n')}\n`);
}

function pointCount(profile: ShippedDeviceProfile): number {
  return profile.driver === 'mqtt' ? Object.keys(profile.mqtt.status_points).length : profile.points.length;
}
