import type { Logger } from '../../../shared/log/logger.js';
import type { FrameParser } from '../../drivers/serial/frame-parser.js';
import type { SerialSettings } from '../../drivers/serial/serial-port.js';
import { randomInt, seededRandom, type Random } from '../random.js';
import { corruptReply, withPreamble, type MeterFault } from './meter-faults.js';
import { startMeterResponder, type ResponderDelay } from './meter-responder.js';
import { meterSeed, simulatedClock } from './simulated-clock.js';

/** How an emulated line of meters is started, whatever their protocol. */
export interface EmulatedLineOptions<Meter extends { address: string }> {
  /** The serial path to answer on (one end of a pty pair). */
  path: string;
  /** Meter numbers, or meters with their own settings. */
  meters: ReadonlyArray<string | Meter>;
  serial?: Partial<Omit<SerialSettings, 'path'>>;
  /** Turnaround before each reply; default 20-50 ms. */
  delay?: ResponderDelay;
  seed?: number;
  now?: () => number;
  /** Simulated time runs this much faster than the wall clock (60: an hour a minute). */
  timeScale?: number;
  logger?: Logger;
}

/** What every emulated meter has: its number and the fault it is told to show. */
export interface EmulatedMeterState {
  readonly address: string;
  fault: MeterFault;
}

/** What a meter protocol adds to the line: its meters' state, and how a request is answered. */
export interface MeterProtocolEmulation<Meter extends { address: string }, Request, State extends EmulatedMeterState> {
  /** For messages: "DL/T 645". */
  name: string;
  /** Seed of the line when the options give none. */
  defaultSeed: number;
  requestParser: FrameParser;
  /** A meter's state at the start; `seed` is the meter's own, `start` the simulated time. */
  meterState(meter: Meter, seed: number, start: number, random: Random): State;
  parse(bytes: Uint8Array): Request;
  /** The meter a request is for, or undefined: for none of these meters, or a broadcast no meter answers. */
  addressee(request: Request, meters: Iterable<State>): State | undefined;
  /** The meter's reply frame (68 ... 16), or undefined for none. */
  reply(state: State, request: Request, now: number): Uint8Array | undefined;
}

/** What a test or demo does with any emulated line of meters. */
export interface MeterEmulator {
  stop(): Promise<void>;
  /** Throws for an address the line does not have. */
  setFault(address: string, fault: MeterFault): void;
  /** Request frames received so far. */
  readonly requests: number;
}

export interface EmulatedLine<State extends EmulatedMeterState> extends MeterEmulator {
  /** The meter's state; throws for an address the line does not have. */
  stateOf(address: string): State;
  /** Simulated time now. */
  now(): number;
}

/**
 * Meters of one protocol on one serial line, for tests and demos: the line's seeded randomness and
 * simulated clock, each meter's state, and the responder that answers a request after a meter-like
 * delay; a dead meter never answers, any other fault is applied to the reply (meter-faults.ts),
 * which goes out behind 0-4 FE bytes as real meters vary them.
 */
export async function startEmulatedLine<Meter extends { address: string }, Request, State extends EmulatedMeterState>(
  options: EmulatedLineOptions<Meter>,
  protocol: MeterProtocolEmulation<Meter, Request, State>,
): Promise<EmulatedLine<State>> {
  const seed = options.seed ?? protocol.defaultSeed;
  const random = seededRandom(seed);
  const clock = simulatedClock(options.now ?? Date.now, options.timeScale ?? 1);
  const meters = new Map<string, State>();
  for (const entry of options.meters) {
    const meter = (typeof entry === 'string' ? { address: entry } : entry) as Meter;
    meters.set(meter.address, protocol.meterState(meter, meterSeed(seed, meter.address), clock(), random));
  }

  const answer = (bytes: Uint8Array): Uint8Array | undefined => {
    const request = protocol.parse(bytes);
    const state = protocol.addressee(request, meters.values());
    if (!state || state.fault === 'dead') return undefined;
    const frame = protocol.reply(state, request, clock());
    return frame && withPreamble(corruptReply(frame, state.fault), randomInt(random, 0, 4));
  };
  const responder = await startMeterResponder({
    path: options.path,
    serial: options.serial,
    parser: protocol.requestParser,
    answer,
    delay: options.delay,
    random,
    logger: options.logger,
  });

  const stateOf = (address: string): State => {
    const state = meters.get(address);
    if (!state) throw new Error(`no simulated ${protocol.name} meter ${address}`);
    return state;
  };
  return {
    stop: () => responder.stop(),
    setFault(address, fault) {
      stateOf(address).fault = fault;
    },
    stateOf,
    now: clock,
    get requests() {
      return responder.requests;
    },
  };
}
