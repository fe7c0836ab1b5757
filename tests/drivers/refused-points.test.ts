import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { afterEach, describe, expect, it } from 'vitest';
import { BusCountersSchema } from '../../shared/contract/index.js';
import { systemClock } from '../../shared/time/clock.js';
import { PolledDriver } from '../../edge/bus/polled-driver.js';
import { DeviceConfigSchema } from '../../edge/config/device-config.js';
import { createDriver } from '../../edge/drivers/create-driver.js';
import { DeviceProfileSchema } from '../../edge/drivers/shipped-protocols.js';
import { startDlt645Emulator, type Dlt645Emulator } from '../../edge/simulator/meters/dlt645/dlt645-meter-emulator.js';
import { eventually } from '../support/net.js';
import { createPtyPair, type PtyPair } from '../support/pty-pair.js';
import { PROFILES_DIR } from '../edge/edge-fixtures.js';
import { serialFieldBus } from '../bus/field-bus.js';
import { capturedLog } from './captured-log.js';
import { RecordingSink } from './recording-sink.js';

const METER = '123456789012';

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
  let pair: PtyPair | undefined;
  let emulator: Dlt645Emulator | undefined;
  let driver: PolledDriver | undefined;
  afterEach(async () => {
    await driver?.stop();
    await emulator?.stop();
    await pair?.stop();
  });

  it('are counted per device and point in the status and warned about once per device', async () => {
    pair = await createPtyPair();
    emulator = await startDlt645Emulator({ path: pair.b, meters: [METER] });
    const bus = serialFieldBus({ id: 'rs485-dlt', transport: 'serial', protocol: 'dlt645', path: pair.a });
    const sink = new RecordingSink();
    const log = capturedLog();
    driver = createDriver('dlt645', { gatewayId: 'gw-1', sink, logger: log.logger, clock: systemClock, localBrokerUrl: () => '', embeddedBroker: null, buses: new Map([[bus.id, bus]]) }) as PolledDriver;
    const config = DeviceConfigSchema.parse({ id: 'meter-1', profile: 'dlt645_single_phase_meter', subject: { kind: 'unit', id: 'hh-1' }, bus: bus.id, address: METER, poll_interval_s: 0.1 });
    driver.addDevice({ id: config.id, subject: config.subject, profile: profileWithPhaseB(), config });
    await driver.start();

    const refused = await eventually('three refusals of voltage_b', () => {
      const [counters] = driver!.busCounters();
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
