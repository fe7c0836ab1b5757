import type { Logger } from '../../../../shared/log/logger.js';
import type { SerialSettings } from '../../../drivers/serial/serial-port.js';
import { DLT645_BROADCAST_ADDRESS } from '../../../drivers/dlt645/dlt645-address.js';
import { dataIdFromBytes } from '../../../drivers/dlt645/dlt645-data-id.js';
import { buildDlt645Frame, CONTROL_FUNCTION_MASK, DLT645_FUNCTION, dlt645RequestParser, parseDlt645Frame, type Dlt645Frame } from '../../../drivers/dlt645/dlt645-frame.js';
import { abnormalReply, DLT645_ERROR_BITS, readAddressReply, readFollowUpReply, readReply } from '../../../drivers/dlt645/dlt645-messages.js';
import type { MeterClockFields } from '../../../drivers/frame-codec/meter-clock.js';
import { randomInt, seededRandom } from '../../random.js';
import { meterSeed, simulatedClock } from '../simulated-clock.js';
import { corruptReply, withPreamble, type MeterFault } from '../meter-faults.js';
import { startMeterResponder, type ResponderDelay } from '../meter-responder.js';
import { meterDataBytes } from './dlt645-meter-data.js';
import type { ElectricityReading } from '../household-electricity.js';
import { EmulatedElectricityMeter } from './emulated-electricity-meter.js';

/**
 * DL/T 645-2007 single-phase meters on one serial line, for tests and demos: answers read (0x11),
 * read follow-up (0x12), read address (0x13, all-AA wildcard) and takes broadcast time sync (0x08,
 * no reply) for any number of configured addresses (protocols.md 3). A request with AA wildcard
 * bytes is answered by the first configured meter it matches; on a real line every matching meter
 * would answer at once, so read address is for a line with one meter.
 */
export interface Dlt645EmulatedMeter {
  /** 12-digit meter number. */
  address: string;
  /** Forward active energy at start; the household model's own when left out. */
  startEnergyKwh?: number;
  fault?: MeterFault;
}

export interface Dlt645EmulatorOptions {
  /** The serial path to answer on (one end of a pty pair). */
  path: string;
  meters: ReadonlyArray<string | Dlt645EmulatedMeter>;
  serial?: Partial<Omit<SerialSettings, 'path'>>;
  /** Turnaround before each reply; default 20-50 ms (DL/T 645 allows 20-500 ms). */
  delay?: ResponderDelay;
  seed?: number;
  now?: () => number;
  /** Simulated time runs this much faster than the wall clock (60: an hour a minute). */
  timeScale?: number;
  /** Longest value part per reply frame; longer values continue in follow-up frames (0xB1, 0x12). */
  maxValueBytesPerFrame?: number;
  logger?: Logger;
}

export interface Dlt645Emulator {
  stop(): Promise<void>;
  setFault(address: string, fault: MeterFault): void;
  /** What the meter shows now (advancing its counters). */
  readings(address: string): ElectricityReading;
  /** The last broadcast time sync received. */
  readonly lastTimeSync: MeterClockFields | undefined;
  readonly requests: number;
}

/** Value bytes per frame by default: L <= 200 less the 4 DI bytes (protocols.md 3.1). */
const DEFAULT_MAX_VALUE_BYTES = 196;

interface MeterState {
  meter: EmulatedElectricityMeter;
  fault: MeterFault;
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
  const random = seededRandom(options.seed ?? 645);
  const clock = simulatedClock(options.now ?? Date.now, options.timeScale ?? 1);
  const maxValueBytes = options.maxValueBytesPerFrame ?? DEFAULT_MAX_VALUE_BYTES;
  const meters = new Map<string, MeterState>();
  for (const entry of options.meters) {
    const config = typeof entry === 'string' ? { address: entry } : entry;
    const meter = new EmulatedElectricityMeter(config.address, meterSeed(options.seed ?? 645, config.address), clock(), random, config.startEnergyKwh);
    meters.set(config.address, { meter, fault: config.fault ?? 'none' });
  }
  let lastTimeSync: MeterClockFields | undefined;

  const reply = (state: MeterState, request: Dlt645Frame): Dlt645Frame => {
    const address = state.meter.address;
    const fn = request.control & CONTROL_FUNCTION_MASK;
    if (state.fault === 'abnormal') return abnormalReply(address, fn, DLT645_ERROR_BITS.noRequestedData);
    if (fn === DLT645_FUNCTION.readAddress) return readAddressReply(address);
    if (fn === DLT645_FUNCTION.read) {
      const di = dataIdFromBytes(request.data);
      const value = meterDataBytes(di, state.meter.readingAt(clock()));
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

  const answer = (bytes: Uint8Array): Uint8Array | undefined => {
    const request = parseDlt645Frame(bytes);
    if (request.address === DLT645_BROADCAST_ADDRESS) {
      // Broadcasts are never answered (protocols.md 3.1).
      if ((request.control & CONTROL_FUNCTION_MASK) === DLT645_FUNCTION.broadcastTimeSync) {
        const [second = 0, minute = 0, hour = 0, day = 0, month = 0, year = 0] = Array.from(request.data, (b) => (b >> 4) * 10 + (b & 0x0f));
        lastTimeSync = { second, minute, hour, day, month, year: 2000 + year };
      }
      return undefined;
    }
    const state = [...meters.values()].find((candidate) => addressMatches(request.address, candidate.meter.address));
    if (!state || state.fault === 'dead') return undefined;
    const frame = corruptReply(buildDlt645Frame(reply(state, request)), state.fault);
    return withPreamble(frame, randomInt(random, 0, 4));
  };

  const responder = await startMeterResponder({
    path: options.path,
    serial: options.serial,
    parser: dlt645RequestParser,
    answer,
    delay: options.delay,
    random,
    logger: options.logger,
  });

  const stateOf = (address: string): MeterState => {
    const state = meters.get(address);
    if (!state) throw new Error(`no simulated DL/T 645 meter ${address}`);
    return state;
  };
  return {
    stop: () => responder.stop(),
    setFault(address, fault) {
      stateOf(address).fault = fault;
    },
    readings: (address) => stateOf(address).meter.readingAt(clock()),
    get lastTimeSync() {
      return lastTimeSync;
    },
    get requests() {
      return responder.requests;
    },
  };
}
