import type { Logger } from '../../../shared/log/logger.js';
import { serialSettings, type FieldBus } from '../../bus/bus-config.js';
import { BusError } from '../../bus/bus-error.js';
import type { BusLink } from '../../bus/bus-link.js';
import { toBusError } from './modbus-error-kind.js';
import { describeRequest, type ModbusReply, type ModbusRequest } from './modbus-request.js';
import { ModbusSerialTransport } from './modbus-serial-transport.js';
import { describeTarget, type ModbusTarget, type ModbusTransport } from './modbus-transport.js';

/**
 * Slack on top of a request's own timeout before the link gives up on the library: modbus-serial
 * settles by its own timer first; this guard only catches a promise the library never settles
 * (a write into a port that died, a TCP socket that failed without a 'close' event).
 */
export const SETTLE_GUARD_MS = 250;
/** Longest open() or close() of a port or connection before the link reports it failed. */
export const OPEN_TIMEOUT_MS = 5_000;

/**
 * A BusLink over a ModbusTransport. Every promise settles: each transaction races the library
 * against a guard timer and against the transport being lost; every failure is a BusError. A
 * transport found closed after a failure turns the failure into 'transport', so the scheduler
 * reopens the link instead of counting timeouts against each device (edge/bus/README.md: one dead
 * port must not look like many dead meters).
 */
export class ModbusLink implements BusLink<ModbusRequest, ModbusReply> {
  private lostCause: Error | undefined;
  private failPending: ((error: BusError) => void) | undefined;
  private opened = false;

  constructor(
    private readonly transport: ModbusTransport,
    private readonly logger: Logger,
    /** Names the bus in messages: "modbus rtu /dev/serial/by-id/... 9600 8E1". */
    private readonly name: string,
  ) {
    transport.onLost((cause) => this.onLost(cause));
  }

  get isOpen(): boolean {
    return this.opened && this.lostCause === undefined && this.transport.isOpen;
  }

  async open(): Promise<void> {
    if (this.isOpen) return;
    if (this.opened) await this.close();
    this.lostCause = undefined;
    try {
      await withTimeout(this.transport.open(), OPEN_TIMEOUT_MS, `${this.name}: open took longer than ${OPEN_TIMEOUT_MS} ms`);
    } catch (error) {
      await this.transport.close().catch(() => undefined);
      const cause = toBusError(error, `${this.name}: open`);
      // Whatever stopped the port from opening, the link is unusable: always 'transport' here.
      throw cause.kind === 'transport' ? cause : new BusError('transport', cause.message, { cause: error });
    }
    this.opened = true;
    this.logger.debug({ link: this.name }, 'modbus link open');
  }

  async execute(request: ModbusRequest, timeoutMs: number): Promise<ModbusReply> {
    const what = `${this.name} ${describeRequest(request)}`;
    if (!this.isOpen) {
      throw new BusError('transport', `${what}: link is not open${this.lostCause ? ` (${this.lostCause.message})` : ''}`, { cause: this.lostCause });
    }
    let guard: NodeJS.Timeout | undefined;
    const failed = new Promise<never>((_, reject) => {
      this.failPending = reject;
      guard = setTimeout(() => reject(new BusError('timeout', `${what}: no reply within ${timeoutMs} ms (settle guard)`)), timeoutMs + SETTLE_GUARD_MS);
    });
    try {
      return await Promise.race([this.transport.transact(request, timeoutMs), failed]);
    } catch (error) {
      const mapped = toBusError(error, what);
      // A timeout or garbled reply on a port that has meanwhile gone is the port's failure.
      if (mapped.kind !== 'transport' && mapped.kind !== 'exception' && !this.isOpen) {
        throw new BusError('transport', `${what}: ${this.lostCause?.message ?? 'port or connection closed'}`, { cause: error });
      }
      throw mapped;
    } finally {
      clearTimeout(guard);
      this.failPending = undefined;
      // the losing side of the race must not surface as an unhandled rejection
      failed.catch(() => undefined);
    }
  }

  async close(): Promise<void> {
    this.opened = false;
    await withTimeout(this.transport.close(), OPEN_TIMEOUT_MS, `${this.name}: close took longer than ${OPEN_TIMEOUT_MS} ms`).catch((error: unknown) => {
      this.logger.warn({ link: this.name, err: error }, 'modbus link close failed');
    });
  }

  private onLost(cause: Error): void {
    if (this.lostCause) return;
    this.lostCause = cause;
    this.logger.warn({ link: this.name, reason: cause.message }, 'modbus link lost');
    this.failPending?.(new BusError('transport', `${this.name}: ${cause.message}`, { cause }));
  }
}

/** Longest TCP connect to a Modbus TCP endpoint, in ms. */
export const TCP_CONNECT_TIMEOUT_MS = 3_000;

/** Where a bus connects: its settled serial line, or its TCP endpoint. */
export function modbusTarget(bus: FieldBus): ModbusTarget {
  if (bus.transport === 'tcp') return { kind: 'tcp', host: bus.host, port: bus.port, connectTimeoutMs: TCP_CONNECT_TIMEOUT_MS };
  if (bus.protocol !== 'modbus_rtu') throw new Error(`bus ${bus.id} speaks ${bus.protocol}, not modbus_rtu`);
  return { kind: 'rtu', path: bus.path, ...serialSettings(bus) };
}

/** A link over modbus-serial for a bus of the gateway config; opens nothing yet. */
export function createModbusLink(bus: FieldBus, logger: Logger): ModbusLink {
  const target = modbusTarget(bus);
  return new ModbusLink(new ModbusSerialTransport(target), logger, `${bus.id} (${describeTarget(target)})`);
}

/** Rejects with `message` when the promise has not settled after `ms`. */
async function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new BusError('transport', message)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
    promise.catch(() => undefined);
  }
}
