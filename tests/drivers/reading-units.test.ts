import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../../shared/config/load-config.js';
import { mapPayload } from '../../edge/drivers/mqtt/payload-mapper.js';
import { MqttDeviceProfileSchema } from '../../edge/drivers/mqtt/mqtt-profile.js';
import { parseProfiles } from '../../edge/profiles/load-profiles.js';
import { electricitySample, waterSample } from '../../edge/rules/activity/meter-points.js';
import { runCli } from '../support/cli.js';
import { PROFILES_DIR } from '../edge/edge-fixtures.js';
import { startDlt645MeterLine, type Dlt645MeterLine } from './dlt645-meter-line.js';

const DLT645 = readFileSync(join(PROFILES_DIR, 'dlt645_single_phase_meter.yaml'), 'utf8');

/** The shipped DL/T 645 profile with its active_power point changed. */
function dlt645With(activePower: Record<string, unknown>): string {
  const profile = parse(DLT645) as { points: Array<Record<string, unknown>> };
  profile.points = profile.points.map((point) => (point.name === 'active_power' ? { ...point, ...activePower } : point));
  return stringify(profile);
}

function problemsOf(text: string): ConfigError['problems'] {
  try {
    parseProfiles([{ file: 'dlt645_single_phase_meter.yaml', text }], 'test');
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe('one reading unit per kind of quantity', () => {
  it('refuses a point whose reading unit is not the one for its quantity, naming the fix', () => {
    // What the shipped profile said before: active_power in kW beside the SDM120's W.
    const unit = { path: 'dlt645_single_phase_meter.yaml#points.4.unit' };
    expect(problemsOf(dlt645With({ unit: 'kW', device_unit: undefined }))).toEqual([{ ...unit, message: 'readings carry W, not kW: write unit: W and device_unit: kW' }]);
    expect(problemsOf(dlt645With({ unit: 'kWh', device_unit: undefined }))).toEqual([{ ...unit, message: 'active_power is read by the rules in W, not kWh' }]);
    expect(problemsOf(dlt645With({ unit: 'W', device_unit: 'kWh' }))).toEqual([
      { path: 'dlt645_single_phase_meter.yaml#points.4.device_unit', message: "a device's kWh does not convert to W" },
    ]);
    expect(problemsOf(DLT645)).toEqual([]);
  });

  describe('estatecare profiles check', () => {
    const dir = mkdtempSync(join(tmpdir(), 'estatecare-units-'));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it('exits 2 on a kW power point and names it', async () => {
      writeFileSync(join(dir, 'dlt645_single_phase_meter.yaml'), dlt645With({ unit: 'kW', device_unit: undefined }));
      const run = runCli(['profiles', 'check', dir]);
      expect(await run.exited).toBe(2);
      expect(run.stderr()).toContain('dlt645_single_phase_meter.yaml#points.4.unit: readings carry W, not kW');
    });
  });

  it('converts an MQTT device unit into the reading unit', () => {
    const profile = MqttDeviceProfileSchema.parse({
      id: 'water_tap',
      version: 1,
      kind: 'water_meter',
      manufacturer: 'Test',
      model: 'T',
      description: 'A water meter that publishes litres.',
      driver: 'mqtt',
      mqtt: { payload_format: 'json', status_points: { current_volume: { field: 'litres', unit: 'm3', device_unit: 'L' } } },
    });
    const result = mapPayload(profile, { id: 'tap-1', subject: { kind: 'unit', id: 'hh-1' } }, Buffer.from(JSON.stringify({ litres: 1234.5 })), Date.now());
    if (!result.ok || !result.frame) throw new Error('the payload was refused');
    expect(result.frame.readings).toMatchObject([{ point: 'current_volume', value: 1.2345, unit: 'm3' }]);
    expect(waterSample(result.frame)?.volumeM3).toBe(1.2345);
  });
});

/**
 * A DL/T 645 meter sends its power in kW (XX.XXXX); the reading leaves the driver in W, and the
 * rules read the same watts as before (they converted kW themselves).
 */
describe('a DL/T 645 meter over a serial line', () => {
  let line: Dlt645MeterLine | undefined;
  afterEach(async () => line?.stop());

  it('has its active power read in W', async () => {
    const now = Date.parse('2026-11-24T11:30:00Z'); // 19:30 China time: the evening peak
    const profile = parseProfiles([{ file: 'dlt645_single_phase_meter.yaml', text: DLT645 }], 'test').get('dlt645_single_phase_meter')!;
    line = await startDlt645MeterLine({ profile, pollIntervalS: 60, now: () => now });
    const next = line.sink.nextFrame(line.deviceId);
    await line.driver.start();
    const frame = await next;

    const power = frame.readings.find((reading) => reading.point === 'active_power');
    const sentKw = Math.round((line.emulator.readings(line.address).activePower / 1000) * 10_000) / 10_000;
    expect(power).toMatchObject({ unit: 'W', value: Number((sentKw * 1000).toPrecision(12)) });
    expect(power!.value).toBeGreaterThan(500);
    expect(electricitySample(frame)?.powerW).toBe(power!.value);
  });
});
