import type { Logger } from '../../shared/log/logger.js';
import type { PolledDriver } from '../../edge/bus/polled-driver.js';
import { DeviceConfigSchema } from '../../edge/config/device-config.js';
import { createDriver } from '../../edge/drivers/create-driver.js';
import type { DeviceProfile } from '../../edge/profiles/device-profile.js';
import { startDlt645Emulator, type Dlt645Emulator } from '../../edge/simulator/meters/dlt645/dlt645-meter-emulator.js';
import { createPtyPair } from '../support/pty-pair.js';
import { serialFieldBus } from '../bus/field-bus.js';
import { driverContext, RecordingSink } from './driver-harness.js';

export interface Dlt645MeterLine {
  readonly address: string;
  readonly deviceId: string;
  readonly emulator: Dlt645Emulator;
  /** Not started yet: a test sets up what it waits for first. */
  readonly driver: PolledDriver;
  readonly sink: RecordingSink;
  stop(): Promise<void>;
}

/**
 * One emulated DL/T 645 meter at the far end of a socat pty pair, and the gateway's dlt645 driver
 * polling it at the line's default settings with the given profile.
 */
export async function startDlt645MeterLine(options: { profile: DeviceProfile; pollIntervalS: number; logger?: Logger; now?: () => number }): Promise<Dlt645MeterLine> {
  const address = '123456789012';
  const pair = await createPtyPair();
  const emulator = await startDlt645Emulator({ path: pair.b, meters: [address], ...(options.now ? { now: options.now } : {}) });
  const bus = serialFieldBus({ id: 'rs485-dlt', transport: 'serial', protocol: 'dlt645', path: pair.a });
  const sink = new RecordingSink();
  const driver = createDriver('dlt645', driverContext(sink, [bus], options.logger)) as PolledDriver;
  const config = DeviceConfigSchema.parse({ id: 'meter-1', profile: options.profile.id, subject: { kind: 'unit', id: 'hh-1' }, bus: bus.id, address, poll_interval_s: options.pollIntervalS });
  driver.addDevice({ id: config.id, subject: config.subject, profile: options.profile, config });
  return {
    address,
    deviceId: config.id,
    emulator,
    driver,
    sink,
    async stop() {
      await driver.stop();
      await emulator.stop();
      await pair.stop();
    },
  };
}
