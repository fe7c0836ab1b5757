import { describe, expect, it } from 'vitest';
import { loadProfiles } from '../../../../edge/profiles/load-profiles.js';
import { LIFT_POINTS } from '../../../../edge/model/lift-points.js';
import { PROFILES_DIR } from '../../../edge/edge-fixtures.js';

/** Lints the whole shipped catalogue: device support is data, checked as a test (device-profiles/README.md). */
describe('shipped device profiles', () => {
  const catalogue = loadProfiles(PROFILES_DIR);

  it('loads the shipped MQTT profiles without a problem', () => {
    expect([...catalogue.keys()]).toEqual(expect.arrayContaining(['door_controller_generic', 'lift_monitor_gbt24476']));
  });

  it('gives every lift monitor the canonical lift points with their units', () => {
    for (const profile of catalogue.values()) {
      if (profile.kind !== 'lift_monitor' || profile.driver !== 'mqtt') continue;
      for (const [point, unit] of Object.entries(LIFT_POINTS)) {
        expect(profile.mqtt.status_points[point]?.unit, `${profile.id} ${point}`).toBe(unit);
      }
    }
  });

  it('maps the Hikvision door codes of device-profiles/README.md', () => {
    const profile = catalogue.get('door_controller_generic');
    const codes = (profile?.driver === 'mqtt' ? profile.mqtt.events?.codes : undefined) ?? {};
    expect(codes['0x19']?.type).toBe('door_opened');
    expect(codes['0x1B']?.type).toBe('door_forced');
    expect(codes['0x09']).toMatchObject({ type: 'credential_denied', attributes: { reason: 'card_not_found' } });
  });

  it('maps every GB/T 24476-derived fault code 1-11 of device-profiles/README.md', () => {
    const profile = catalogue.get('lift_monitor_gbt24476');
    const faults = (profile?.driver === 'mqtt' ? profile.mqtt.faults?.codes : undefined) ?? {};
    expect(Object.keys(faults).map(Number).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    expect(faults['11']).toBe('passenger_trapped');
  });
});
