import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { afterEach, describe, expect, it } from 'vitest';
import { BusCountersSchema } from '../../shared/contract/index.js';
import { DeviceProfileSchema } from '../../edge/drivers/shipped-protocols.js';
import { eventually } from '../support/net.js';
import { PROFILES_DIR } from '../edge/edge-fixtures.js';
import { capturedLog } from './captured-log.js';
import { startDlt645MeterLine, type Dlt645MeterLine } from './dlt645-meter-line.js';

/** The shipped DL/T 645 profile and a phase-B voltage the single-phase meter does not have. */
function profileWithPhaseB() {
  const raw = parse(readFileSync(`${PROFILES_DIR}/dlt645_single_phase_meter.yaml`, 'utf8')) as { points: unknown[] };
  return DeviceProfileSchema.parse({ ...raw, points: [...raw.points, { name: 'voltage_b', unit: 'V', attributes: { di: '02010200', format: 'XXX.X' } }] });
}

/**
 * A data identifier the meter refuses (0xD1, ERR 0x02 no requested data) over a real serial line:
 * the rest of the poll still arrives, the refusals are counted per device and point in the bus
 * counters the status carries, and the gateway warns once for the device, not once per poll.
 */
describe('points a device refuses', () => {
  let line: Dlt645MeterLine | undefined;
  afterEach(async () => line?.stop());

  it('are counted per device and point in the status and warned about once per device', async () => {
    const log = capturedLog();
    line = await startDlt645MeterLine({ profile: profileWithPhaseB(), pollIntervalS: 0.1, logger: log.logger });
    const { driver, sink } = line;
    await driver.start();

    const refused = await eventually('three refusals of voltage_b', () => {
      const [counters] = driver.busCounters();
      const entry = counters?.refused_points?.find((point) => point.point === 'voltage_b');
      return entry && entry.refusals >= 3 ? counters : undefined;
    });
    expect(BusCountersSchema.parse(refused).refused_points).toEqual([{ device_id: 'meter-1', point: 'voltage_b', refusals: expect.any(Number), last_code: 0x02 }]);
    expect(refused.exception_replies).toBeGreaterThanOrEqual(3);
    // The other points of each poll arrive; voltage_b never does.
    expect(sink.frames.length).toBeGreaterThanOrEqual(3);
    for (const frame of sink.frames) expect(frame.readings.map((reading) => reading.point)).toContain('voltage');
    expect(sink.frames.flatMap((frame) => frame.readings).some((reading) => reading.point === 'voltage_b')).toBe(false);
    expect(log.at('warn').filter((line) => line.msg.includes('refuses'))).toEqual([
      expect.objectContaining({ device: 'meter-1', profile: 'dlt645_single_phase_meter', points: ['voltage_b'], code: 0x02 }),
    ]);
  });
});
