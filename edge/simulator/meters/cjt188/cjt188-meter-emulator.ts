import type { Logger } from '../../../../shared/log/logger.js';
import { CJT188_ANY_METER_TYPE } from '../../../drivers/cjt188/cjt188-address.js';
import { DATA_ID_LENGTH, dataIdOrderOf, DI_METERING_DATA, DI_READ_ADDRESS } from '../../../drivers/cjt188/cjt188-data-id.js';
import { buildCjt188Frame, CJT188_FUNCTION, CONTROL_FUNCTION_MASK, cjt188RequestParser, METER_TYPE, parseCjt188Frame, type Cjt188Frame } from '../../../drivers/cjt188/cjt188-frame.js';
import { abnormalReply, readAddressReply, readDataReply } from '../../../drivers/cjt188/cjt188-messages.js';
import { encodeMeteringData } from '../../../drivers/cjt188/cjt188-metering-data.js';
import { DEFAULT_STATUS_LAYOUT, encodeStatus, type StatusLayout } from '../../../drivers/cjt188/cjt188-status.js';
import { UNIT_CODE_CUBIC_METRE } from '../../../drivers/cjt188/cjt188-units.js';
import { meterClockOf } from '../../../drivers/frame-codec/meter-clock.js';
import type { SerialSettings } from '../../../drivers/serial/serial-port.js';
import { randomInt, seededRandom } from '../../random.js';
import { meterSeed, simulatedClock } from '../simulated-clock.js';
import { corruptReply, withPreamble, type MeterFault } from '../meter-faults.js';
import { startMeterResponder, type ResponderDelay } from '../meter-responder.js';
import { EmulatedWaterMeter, type WaterReadings } from './emulated-water-meter.js';

/**
 * CJ/T 188-2004 cold water meters on one serial line, for tests and demos: answers read data
 * 0x901F (DI echoed in the order it came, SER echoed) and read address 0x810A to the all-AA
 * wildcard, for any number of configured addresses (protocols.md 4). A wildcard request is
 * answered by the first configured meter; on a real line all would answer at once.
 */
export interface Cjt188EmulatedMeter {
  /** 14-digit meter number. */
  address: string;
  /** Meter type T; 0x10 cold water. */
  meterType?: number;
  /** Volume at start; the household model's own when left out. */
  startVolumeM3?: number;
  /** How volumes are sent: 0x2C m3 (default) or 0x29 L (protocols.md 4.2). */
  unitCode?: number;
  /** ST layout the meter uses; the default D1D0 valve / D2 battery. */
  statusLayout?: StatusLayout;
  fault?: MeterFault;
}

export interface Cjt188EmulatorOptions {
  path: string;
  meters: ReadonlyArray<string | Cjt188EmulatedMeter>;
  serial?: Partial<Omit<SerialSettings, 'path'>>;
  /** Turnaround before each reply; default 20-50 ms. */
  delay?: ResponderDelay;
  seed?: number;
  now?: () => number;
  timeScale?: number;
  logger?: Logger;
}

export interface Cjt188Emulator {
  stop(): Promise<void>;
  setFault(address: string, fault: MeterFault): void;
  /** The meter itself, to close its valve or run its battery low. */
  meter(address: string): EmulatedWaterMeter;
  readings(address: string): WaterReadings;
  readonly requests: number;
}

interface MeterState {
  meter: EmulatedWaterMeter;
  meterType: number;
  unitCode: number;
  statusLayout: StatusLayout;
  fault: MeterFault;
}

/** ST of an abnormal reply: the valve bits say abnormal (D1D0 = 11). */
const ABNORMAL_STATUS = Uint8Array.of(0x03, 0x00);

export async function startCjt188Emulator(options: Cjt188EmulatorOptions): Promise<Cjt188Emulator> {
  const random = seededRandom(options.seed ?? 188);
  const clock = simulatedClock(options.now ?? Date.now, options.timeScale ?? 1);
  const meters = new Map<string, MeterState>();
  for (const entry of options.meters) {
    const config = typeof entry === 'string' ? { address: entry } : entry;
    meters.set(config.address, {
      meter: new EmulatedWaterMeter(config.address, meterSeed(options.seed ?? 188, config.address), clock(), config.startVolumeM3),
      meterType: config.meterType ?? METER_TYPE.coldWater,
      unitCode: config.unitCode ?? UNIT_CODE_CUBIC_METRE,
      statusLayout: config.statusLayout ?? DEFAULT_STATUS_LAYOUT,
      fault: config.fault ?? 'none',
    });
  }

  const reply = (state: MeterState, request: Cjt188Frame): Cjt188Frame | undefined => {
    const { meterType } = state;
    const address = state.meter.address;
    const fn = request.control & CONTROL_FUNCTION_MASK;
    const ser = request.data[DATA_ID_LENGTH] ?? 0;
    if (state.fault === 'abnormal') return abnormalReply(meterType, address, fn, ser, ABNORMAL_STATUS);
    if (fn === CJT188_FUNCTION.readAddress) {
      const order = dataIdOrderOf(request.data, DI_READ_ADDRESS);
      return order ? readAddressReply(meterType, address, order, ser) : abnormalReply(meterType, address, fn, ser, ABNORMAL_STATUS);
    }
    if (fn !== CJT188_FUNCTION.readData) return abnormalReply(meterType, address, fn, ser, ABNORMAL_STATUS);
    // The meter answers in the DI order it was asked in.
    const order = dataIdOrderOf(request.data, DI_METERING_DATA);
    if (!order) return abnormalReply(meterType, address, fn, ser, ABNORMAL_STATUS);
    const now = clock();
    const readings = state.meter.readingAt(now);
    const factor = state.unitCode === UNIT_CODE_CUBIC_METRE ? 1 : 1000; // 0x29: litres
    const payload = encodeMeteringData({
      // Counters truncate to the 0.01 they show: a meter never shows more than it has counted.
      currentVolume: Math.floor(readings.volumeM3 * factor * 100) / 100,
      settlementVolume: Math.floor(readings.settlementVolumeM3 * factor * 100) / 100,
      unitCode: state.unitCode,
      time: meterClockOf(new Date(now)),
      status: encodeStatus({ valve: readings.valve, batteryLow: readings.batteryLow }, state.statusLayout),
    });
    return readDataReply(meterType, address, DI_METERING_DATA, order, ser, payload);
  };

  const answer = (bytes: Uint8Array): Uint8Array | undefined => {
    const request = parseCjt188Frame(bytes);
    const state = [...meters.values()].find(
      (candidate) =>
        (request.address === candidate.meter.address || /^A+$/.test(request.address)) &&
        (request.meterType === candidate.meterType || request.meterType === CJT188_ANY_METER_TYPE),
    );
    if (!state || state.fault === 'dead') return undefined;
    const frame = reply(state, request);
    if (!frame) return undefined;
    return withPreamble(corruptReply(buildCjt188Frame(frame), state.fault), randomInt(random, 0, 4));
  };

  const responder = await startMeterResponder({
    path: options.path,
    serial: options.serial,
    parser: cjt188RequestParser,
    answer,
    delay: options.delay,
    random,
    logger: options.logger,
  });

  const stateOf = (address: string): MeterState => {
    const state = meters.get(address);
    if (!state) throw new Error(`no simulated CJ/T 188 meter ${address}`);
    return state;
  };
  return {
    stop: () => responder.stop(),
    setFault(address, fault) {
      stateOf(address).fault = fault;
    },
    meter: (address) => stateOf(address).meter,
    readings: (address) => stateOf(address).meter.readingAt(clock()),
    get requests() {
      return responder.requests;
    },
  };
}
