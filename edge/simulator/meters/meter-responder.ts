import type { Logger } from '../../../shared/log/logger.js';
import { FrameAssembler } from '../../drivers/serial/frame-assembler.js';
import type { FrameParser } from '../../drivers/serial/frame-parser.js';
import { openSerialPort, type SerialConnection, type SerialSettings } from '../../drivers/serial/serial-port.js';
import { randomInt, type Random } from '../random.js';

/**
 * The slave side of a serial line for simulated meters: opens a serial path (one end of a pty pair
 * in tests), finds request frames with the protocol's parser, asks the emulator for an answer and
 * writes it after a meter-like delay. When the port goes away (socat killed) it keeps trying to
 * open the path again until stopped, as a meter on a re-plugged line keeps listening.
 */
export interface ResponderDelay {
  minMs: number;
  maxMs: number;
}

/** DL/T 645 allows 20-500 ms (edge/drivers/dlt645/README.md, frame); real meters mostly answer in tens of ms. */
export const DEFAULT_RESPONSE_DELAY: ResponderDelay = { minMs: 20, maxMs: 50 };
/**
 * 2400 baud 8E1, the usual line of both meter protocols (edge/drivers/dlt645/README.md,
 * edge/drivers/cjt188/README.md).
 */
export const DEFAULT_METER_SERIAL: Omit<SerialSettings, 'path'> = { baudRate: 2400, dataBits: 8, parity: 'even', stopBits: 1 };
const REOPEN_INTERVAL_MS = 100;

export interface MeterResponderOptions {
  path: string;
  serial?: Partial<Omit<SerialSettings, 'path'>>;
  parser: FrameParser;
  /** The reply to a request frame (68 ... 16), or undefined for none (not addressed to us, broadcast, dead). */
  answer(request: Uint8Array): Uint8Array | undefined;
  delay?: ResponderDelay;
  random: Random;
  logger?: Logger;
}

export interface MeterResponder {
  stop(): Promise<void>;
  /** Request frames received so far. */
  readonly requests: number;
}

export async function startMeterResponder(options: MeterResponderOptions): Promise<MeterResponder> {
  const settings: SerialSettings = { path: options.path, ...DEFAULT_METER_SERIAL, ...options.serial };
  const delay = options.delay ?? DEFAULT_RESPONSE_DELAY;
  const assembler = new FrameAssembler(options.parser);
  const timers = new Set<NodeJS.Timeout>();
  let connection: SerialConnection | undefined;
  let stopped = false;
  let requests = 0;

  const later = (ms: number, action: () => void): void => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      action();
    }, ms);
    timers.add(timer);
  };

  const onData = (chunk: Uint8Array): void => {
    const result = assembler.push(chunk);
    if (!result || result.status !== 'frame') return; // a meter ignores a request it cannot read
    requests++;
    let reply: Uint8Array | undefined;
    try {
      reply = options.answer(result.frame);
    } catch (error) {
      options.logger?.warn({ err: error }, 'simulated meter could not answer');
    }
    if (!reply) return;
    const bytes = reply;
    const from = connection;
    later(randomInt(options.random, delay.minMs, delay.maxMs), () => {
      if (stopped || !from?.isOpen) return;
      from.write(bytes).catch(() => undefined);
    });
  };

  const open = async (): Promise<void> => {
    const opened = await openSerialPort(settings, {
      data: onData,
      lost: () => {
        connection = undefined;
        assembler.reset();
        if (!stopped) later(REOPEN_INTERVAL_MS, reopen);
      },
    });
    if (stopped) {
      await opened.close();
      return;
    }
    connection = opened;
  };
  const reopen = (): void => {
    if (stopped) return;
    open().catch(() => later(REOPEN_INTERVAL_MS, reopen));
  };

  await open();
  return {
    get requests() {
      return requests;
    },
    async stop() {
      stopped = true;
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      await connection?.close();
      connection = undefined;
    },
  };
}
