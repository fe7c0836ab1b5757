import { DLT645_BROADCAST_ADDRESS } from '../../../drivers/dlt645/dlt645-address.js';
import { dataIdFromBytes } from '../../../drivers/dlt645/dlt645-data-id.js';
import { buildDlt645Frame, CONTROL_FUNCTION_MASK, DLT645_FUNCTION, dlt645RequestParser, parseDlt645Frame, type Dlt645Frame } from '../../../drivers/dlt645/dlt645-frame.js';
import { abnormalReply, DLT645_ERROR_BITS, readAddressReply, readFollowUpReply, readReply } from '../../../drivers/dlt645/dlt645-messages.js';
import type { MeterClockFields } from '../../../drivers/frame-codec/meter-clock.js';
import type { MeterFault } from '../meter-faults.js';
import { startEmulatedLine, type EmulatedLineOptions, type EmulatedMeterState, type MeterEmulator } from '../emulated-line.js';
import { meterDataBytes } from './dlt645-meter-data.js';
import type { ElectricityReading } from '../household-electricity.js';
import { EmulatedElectricityMeter } from './emulated-electricity-meter.js';

/**
 * DL/T 645-2007 single-phase meters on one serial line, for tests and demos: answers read (0x11),
 * read follow-up (0x12), read address (0x13, all-AA wildcard) and takes broadcast time sync (0x08,
 * no reply) for any number of configured addresses (edge/drivers/dlt645/README.md). A request with
 * AA wildcard bytes is answered by the first configured meter it matches; on a real line every
 * matching meter would answer at once, so read address is for a line with one meter.
 */
export interface Dlt645EmulatedMeter {
  /** 12-digit meter number. */
  address: string;
  /** Forward active energy at start; the household model's own when left out. */
  startEnergyKwh?: number;
  fault?: MeterFault;
}

export interface Dlt645EmulatorOptions extends EmulatedLineOptions<Dlt645EmulatedMeter> {
  /** Longest value part per reply frame; longer values continue in follow-up frames (0xB1, 0x12). */
  maxValueBytesPerFrame?: number;
}

export interface Dlt645Emulator extends MeterEmulator {
  /** What the meter shows now (advancing its counters). */
  readings(address: string): ElectricityReading;
  /** The last broadcast time sync received. */
  readonly lastTimeSync: MeterClockFields | undefined;
}

/** Value bytes per frame by default: L <= 200 less the 4 DI bytes (DL/T 645-2007 length L). */
const DEFAULT_MAX_VALUE_BYTES = 196;

interface MeterState extends EmulatedMeterState {
  meter: EmulatedElectricityMeter;
  /** Value parts of the last read, while follow-up frames are due. */
  followUp?: { di: string; parts: Uint8Array[] };
}

/** Whether a request address (AA = wildcard byte, low bytes first) selects a meter. */
function addressMatches(requested: string, address: string): boolean {
  for (let i = 0; i < requested.length; i += 2) {
    const pair = requested.slice(i, i + 2);
    if (pair !== 'AA' && pair !== address.slice(i, i + 2)) return false;
  }
  return true;
}

function splitValue(value: Uint8Array, size: number): Uint8Array[] {
  const parts: Uint8Array[] = [];
  for (let at = 0; at < value.length; at += size) parts.push(value.subarray(at, at + size));
  return parts.length > 0 ? parts : [value];
}

export async function startDlt645Emulator(options: Dlt645EmulatorOptions): Promise<Dlt645Emulator> {
  const maxValueBytes = options.maxValueBytesPerFrame ?? DEFAULT_MAX_VALUE_BYTES;
  let lastTimeSync: MeterClockFields | undefined;

  const reply = (state: MeterState, request: Dlt645Frame, now: number): Dlt645Frame => {
    const address = state.address;
    const fn = request.control & CONTROL_FUNCTION_MASK;
    if (state.fault === 'abnormal') return abnormalReply(address, fn, DLT645_ERROR_BITS.noRequestedData);
    if (fn === DLT645_FUNCTION.readAddress) return readAddressReply(address);
    if (fn === DLT645_FUNCTION.read) {
      const di = dataIdFromBytes(request.data);
      const value = meterDataBytes(di, state.meter.readingAt(now));
      if (!value) return abnormalReply(address, fn, DLT645_ERROR_BITS.noRequestedData);
      const parts = splitValue(value, maxValueBytes);
      state.followUp = parts.length > 1 ? { di, parts } : undefined;
      return readReply(address, di, parts[0] ?? value, parts.length > 1);
    }
    if (fn === DLT645_FUNCTION.readFollowUp) {
      const di = dataIdFromBytes(request.data);
      const seq = request.data[4] ?? 0;
      const part = state.followUp?.di === di ? state.followUp.parts[seq] : undefined;
      if (!state.followUp || !part) return abnormalReply(address, fn, DLT645_ERROR_BITS.other);
      return readFollowUpReply(address, di, part, seq, seq < state.followUp.parts.length - 1);
    }
    return abnormalReply(address, fn, DLT645_ERROR_BITS.other);
  };

  const line = await startEmulatedLine(options, {
    name: 'DL/T 645',
    defaultSeed: 645,
    requestParser: dlt645RequestParser,
    meterState: (config, seed, start, random): MeterState => ({
      address: config.address,
      meter: new EmulatedElectricityMeter(config.address, seed, start, random, config.startEnergyKwh),
      fault: config.fault ?? 'none',
    }),
    parse: parseDlt645Frame,
    addressee(request, meters) {
      if (request.address !== DLT645_BROADCAST_ADDRESS) return [...meters].find((candidate) => addressMatches(request.address, candidate.address));
      // Broadcasts are never answered (DL/T 645-2007: "广播命令不要求从站应答").
      if ((request.control & CONTROL_FUNCTION_MASK) === DLT645_FUNCTION.broadcastTimeSync) {
        const [second = 0, minute = 0, hour = 0, day = 0, month = 0, year = 0] = Array.from(request.data, (b) => (b >> 4) * 10 + (b & 0x0f));
        lastTimeSync = { second, minute, hour, day, month, year: 2000 + year };
      }
      return undefined;
    },
    reply: (state, request, now) => buildDlt645Frame(reply(state, request, now)),
  });

  return {
    stop: () => line.stop(),
    setFault: (address, fault) => line.setFault(address, fault),
    readings: (address) => line.stateOf(address).meter.readingAt(line.now()),
    get lastTimeSync() {
      return lastTimeSync;
    },
    get requests() {
      return line.requests;
    },
  };
}
