import { CJT188_ANY_METER_TYPE } from '../../../drivers/cjt188/cjt188-address.js';
import { DATA_ID_LENGTH, dataIdOrderOf, DI_METERING_DATA, DI_READ_ADDRESS } from '../../../drivers/cjt188/cjt188-data-id.js';
import { buildCjt188Frame, CJT188_FUNCTION, CONTROL_FUNCTION_MASK, cjt188RequestParser, METER_TYPE, parseCjt188Frame, type Cjt188Frame } from '../../../drivers/cjt188/cjt188-frame.js';
import { abnormalReply, readAddressReply, readDataReply } from '../../../drivers/cjt188/cjt188-messages.js';
import { encodeMeteringData } from '../../../drivers/cjt188/cjt188-metering-data.js';
import { DEFAULT_STATUS_LAYOUT, encodeStatus, type StatusLayout } from '../../../drivers/cjt188/cjt188-status.js';
import { UNIT_CODE_CUBIC_METRE } from '../../../drivers/cjt188/cjt188-units.js';
import { meterClockOf } from '../../../drivers/frame-codec/meter-clock.js';
import type { MeterFault } from '../meter-faults.js';
import { startEmulatedLine, type EmulatedLineOptions, type EmulatedMeterState, type MeterEmulator } from '../emulated-line.js';
import { EmulatedWaterMeter, type WaterReadings } from './emulated-water-meter.js';

/**
 * CJ/T 188-2004 cold water meters on one serial line, for tests and demos: answers read data 0x901F
 * (DI echoed in the order it came, SER echoed) and read address 0x810A to the all-AA wildcard, for
 * any number of configured addresses (edge/drivers/cjt188/README.md). A wildcard request is
 * answered by the first configured meter; on a real line all would answer at once.
 */
export interface Cjt188EmulatedMeter {
  /** 14-digit meter number. */
  address: string;
  /** Meter type T; 0x10 cold water. */
  meterType?: number;
  /** Volume at start; the household model's own when left out. */
  startVolumeM3?: number;
  /** How volumes are sent: 0x2C m3 (default) or 0x29 L (edge/drivers/cjt188/README.md, unit codes). */
  unitCode?: number;
  /** ST layout the meter uses; the default D1D0 valve / D2 battery. */
  statusLayout?: StatusLayout;
  fault?: MeterFault;
}

export type Cjt188EmulatorOptions = EmulatedLineOptions<Cjt188EmulatedMeter>;

export interface Cjt188Emulator extends MeterEmulator {
  /** The meter itself, to close its valve or run its battery low. */
  meter(address: string): EmulatedWaterMeter;
  readings(address: string): WaterReadings;
}

interface MeterState extends EmulatedMeterState {
  meter: EmulatedWaterMeter;
  meterType: number;
  unitCode: number;
  statusLayout: StatusLayout;
}

/** ST of an abnormal reply: the valve bits say abnormal (D1D0 = 11). */
const ABNORMAL_STATUS = Uint8Array.of(0x03, 0x00);

export async function startCjt188Emulator(options: Cjt188EmulatorOptions): Promise<Cjt188Emulator> {
  const reply = (state: MeterState, request: Cjt188Frame, now: number): Cjt188Frame | undefined => {
    const { meterType, address } = state;
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

  const line = await startEmulatedLine(options, {
    name: 'CJ/T 188',
    defaultSeed: 188,
    requestParser: cjt188RequestParser,
    meterState: (config, seed, start): MeterState => ({
      address: config.address,
      meter: new EmulatedWaterMeter(config.address, seed, start, config.startVolumeM3),
      meterType: config.meterType ?? METER_TYPE.coldWater,
      unitCode: config.unitCode ?? UNIT_CODE_CUBIC_METRE,
      statusLayout: config.statusLayout ?? DEFAULT_STATUS_LAYOUT,
      fault: config.fault ?? 'none',
    }),
    parse: parseCjt188Frame,
    addressee: (request, meters) =>
      [...meters].find(
        (candidate) =>
          (request.address === candidate.address || /^A+$/.test(request.address)) &&
          (request.meterType === candidate.meterType || request.meterType === CJT188_ANY_METER_TYPE),
      ),
    reply(state, request, now) {
      const frame = reply(state, request, now);
      return frame && buildCjt188Frame(frame);
    },
  });

  return {
    stop: () => line.stop(),
    setFault: (address, fault) => line.setFault(address, fault),
    meter: (address) => line.stateOf(address).meter,
    readings: (address) => line.stateOf(address).meter.readingAt(line.now()),
    get requests() {
      return line.requests;
    },
  };
}
