import type { Logger } from '../../../shared/log/logger.js';
import { serialSettings, type FieldBus } from '../../bus/bus-config.js';
import { BusError } from '../../bus/bus-error.js';
import type { BusLink } from '../../bus/bus-link.js';
import { toHex } from '../frame-codec/hex.js';
import { FrameAssembler } from './frame-assembler.js';
import type { FrameParser } from './frame-parser.js';
import { openSerialPort, type SerialConnection, type SerialSettings } from './serial-port.js';

/**
 * A request/reply link for frame protocols (DL/T 645, CJ/T 188) over one serial port: write a
 * request, collect bytes until the protocol's FrameParser finds a complete frame, and hand that
 * frame back. Everything protocol-specific (addresses, control codes, data) stays with the caller.
 */
export interface FrameRequest {
  /** Bytes to write, wake-up preamble included. */
  frame: Uint8Array;
  /** False for broadcasts no device answers (DL/T 645 address 99..99): execute resolves after the write. */
  expectReply: boolean;
}

/** The reply frame from its first 0x68 through its end byte; empty when no reply was expected. */
export type FrameReply = Uint8Array;

/** One request/reply on a frame link: what protocol transactions (follow-up frames, retries of none) are built from. */
export type FrameExchange = (request: FrameRequest, timeoutMs: number) => Promise<FrameReply>;

export interface SerialFrameLinkOptions {
  serial: SerialSettings;
  parser: FrameParser;
  logger: Logger;
  /** Bytes buffered at most while waiting for one frame. */
  maxBufferedBytes?: number;
}

interface Pending {
  /** False until the request is being written: bytes before that are stale, whatever they look like. */
  accepting: boolean;
  resolve(reply: FrameReply): void;
  reject(error: Error): void;
}

export class SerialFrameLink implements BusLink<FrameRequest, FrameReply> {
  private connection: SerialConnection | undefined;
  private pending: Pending | undefined;
  private readonly assembler: FrameAssembler;
  private readonly logger: Logger;

  constructor(private readonly options: SerialFrameLinkOptions) {
    this.assembler = new FrameAssembler(options.parser, options.maxBufferedBytes);
    this.logger = options.logger;
  }

  get isOpen(): boolean {
    return this.connection?.isOpen ?? false;
  }

  get path(): string {
    return this.options.serial.path;
  }

  async open(): Promise<void> {
    if (this.isOpen) return;
    await this.closeConnection();
    const connection = await openSerialPort(this.options.serial, {
      data: (chunk) => this.received(chunk),
      lost: (error) => {
        if (this.connection !== connection) return;
        this.logger.warn({ path: this.path, err: error }, 'serial port lost');
        this.connection = undefined;
        this.settle(undefined, error);
      },
    });
    this.connection = connection;
  }

  /**
   * One request and its reply. timeoutMs runs from the start of the write, so it covers the request's
   * time on the wire, the device's turnaround and the reply's time on the wire.
   */
  execute(request: FrameRequest, timeoutMs: number): Promise<FrameReply> {
    const connection = this.connection;
    if (!connection?.isOpen) return Promise.reject(new BusError('transport', `${this.path}: link is not open`));
    if (this.pending) return Promise.reject(new Error(`${this.path}: execute() called while a transaction is in flight`));
    return new Promise<FrameReply>((resolve, reject) => {
      const timer = setTimeout(() => {
        const held = this.assembler.pending;
        const detail = held.length > 0 ? `; incomplete: ${toHex(held.subarray(0, 64))}` : '';
        this.settle(undefined, new BusError('timeout', `${this.path}: no complete reply within ${timeoutMs} ms${detail}`));
      }, timeoutMs);
      this.pending = {
        accepting: false,
        resolve: (reply) => {
          clearTimeout(timer);
          resolve(reply);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      };
      void this.send(connection, request);
    });
  }

  async close(): Promise<void> {
    this.settle(undefined, new BusError('transport', `${this.path}: link closed while waiting for a reply`));
    await this.closeConnection();
  }

  private async send(connection: SerialConnection, request: FrameRequest): Promise<void> {
    try {
      // Stale input (a late reply to a request that timed out, noise) must not answer this request.
      await connection.discardBuffers();
      const pending = this.pending;
      if (!pending) return; // timed out or closed meanwhile
      this.assembler.reset();
      pending.accepting = true;
      await connection.write(request.frame);
      if (!request.expectReply) this.settle(new Uint8Array(0));
    } catch (error) {
      this.settle(undefined, error instanceof BusError ? error : new BusError('transport', `${this.path}: write failed`, { cause: error }));
    }
  }

  private received(chunk: Uint8Array): void {
    if (!this.pending?.accepting) {
      this.logger.debug({ path: this.path, bytes: toHex(chunk) }, 'bytes outside a transaction dropped');
      return;
    }
    const result = this.assembler.push(chunk);
    if (!result) return;
    if (result.skipped > 0) this.logger.debug({ path: this.path, skipped: result.skipped }, 'noise or preamble before the reply skipped');
    if (result.status === 'frame') this.settle(result.frame);
    else this.settle(undefined, new BusError('checksum', `${this.path}: ${result.reason}`));
  }

  private settle(reply: FrameReply | undefined, error?: Error): void {
    const pending = this.pending;
    if (!pending) return;
    this.pending = undefined;
    this.assembler.reset();
    if (error) pending.reject(error);
    else pending.resolve(reply ?? new Uint8Array(0));
  }

  private async closeConnection(): Promise<void> {
    const connection = this.connection;
    this.connection = undefined;
    if (connection) await connection.close();
  }
}

/** The serial settings of a bus, its line settled (bus-config.ts); a TCP bus is an error. */
export function serialSettingsOf(bus: FieldBus): SerialSettings {
  if (bus.transport !== 'serial') throw new Error(`bus ${bus.id}: ${bus.protocol} runs on a serial bus, not ${bus.transport}`);
  return { path: bus.path, ...serialSettings(bus) };
}
