import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../../../../shared/config/load-config.js';
import { loadProfiles, parseProfiles } from '../../../../edge/profiles/load-profiles.js';

const BROKEN = `
id: broken_lift
version: 0
kind: lift_monitor
manufacturer: acme
model: X1
description: a profile with many mistakes
driver: mqtt
mqtt:
  payload_format: json
  status_points:
    door_zone: { unit: BOOL }
    CarPosition: { unit: floor }
  events:
    code_field: event_code
    codes:
      90: { type: door_opened }
      "0x5A": { type: lift_alarm_button }
      42: { type: lift_service_mode_changed, attributes: { service_mode: sleeping } }
  faults:
    code_field: fault_code
    codes:
      1: melted
`;

function problemsOf(action: () => unknown): Array<{ path: string; message: string }> {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  throw new Error('expected a ConfigError');
}

describe('profile loader', () => {
  let dir: string | null = null;
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = null;
  });

  it('reports every problem of a broken profile, each with its file and path', () => {
    const problems = problemsOf(() => parseProfiles([{ file: 'broken_lift.yaml', text: BROKEN }], 'test'));
    const paths = problems.map((p) => p.path);
    expect(problems.find((p) => p.path.endsWith('CarPosition'))?.message).toBe('point names are snake_case');
    expect(paths).toEqual(
      expect.arrayContaining([
        'broken_lift.yaml#version',
        'broken_lift.yaml#mqtt.status_points.door_zone.unit',
        'broken_lift.yaml#mqtt.status_points.CarPosition',
        'broken_lift.yaml#mqtt.faults.codes.1',
      ]),
    );
  });

  it('reports semantic problems once the shape is right', () => {
    const fixed = BROKEN.replace('version: 0', 'version: 1')
      .replace('BOOL', 'bool')
      .replace('CarPosition', 'car_position')
      .replace('melted', 'passenger_trapped');
    const problems = problemsOf(() => parseProfiles([{ file: 'broken_lift.yaml', text: fixed }], 'test'));
    const byPath = Object.fromEntries(problems.map((p) => [p.path, p.message]));
    expect(byPath['broken_lift.yaml#mqtt.events.codes.90'] ?? byPath['broken_lift.yaml#mqtt.events.codes.0x5A']).toMatch(/same code/);
    expect(byPath['broken_lift.yaml#mqtt.events.codes.42.attributes.service_mode']).toMatch(/out_of_service/);
    expect(byPath['broken_lift.yaml#mqtt.events.codes.90.type']).toMatch(/lift_monitor does not emit door_opened/);
  });

  it('reads a folder, checks file name = id, and lists the problems of all files together', () => {
    dir = mkdtempSync(join(tmpdir(), 'estatecare-profiles-'));
    writeFileSync(join(dir, 'broken_lift.yaml'), BROKEN);
    writeFileSync(join(dir, 'misnamed.yaml'), BROKEN.replace('id: broken_lift', 'id: other_name').replace('version: 0', 'version: 1'));
    writeFileSync(join(dir, 'bad_yaml.yml'), 'id: [unclosed\n');
    writeFileSync(join(dir, 'notes.txt'), 'not a profile');
    const paths = problemsOf(() => loadProfiles(dir!)).map((p) => p.path);
    expect(paths.some((p) => p.startsWith('broken_lift.yaml#'))).toBe(true);
    expect(paths.some((p) => p.startsWith('misnamed.yaml#'))).toBe(true);
    expect(paths).toContain('bad_yaml.yml#(file)');
    expect(paths.some((p) => p.startsWith('notes.txt'))).toBe(false);
  });

  it('names the file whose id does not match its name', () => {
    const good = BROKEN.replace('version: 0', 'version: 1')
      .replace('BOOL', 'bool')
      .replace('CarPosition', 'car_position')
      .replace('melted', 'passenger_trapped')
      .replace('      90: { type: door_opened }\n', '')
      .replace('sleeping', 'out_of_service');
    expect(parseProfiles([{ file: 'broken_lift.yaml', text: good }], 'test').has('broken_lift')).toBe(true);
    const problems = problemsOf(() => parseProfiles([{ file: 'lift_x.yaml', text: good }], 'test'));
    expect(problems).toEqual([{ path: 'lift_x.yaml#id', message: 'id "broken_lift" must equal the file name "lift_x"' }]);
  });
});
