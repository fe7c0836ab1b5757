import { describe, expect, it } from 'vitest';
import { BusError } from '../../../edge/bus/bus-error.js';
import { toBusError } from '../../../edge/drivers/modbus/modbus-error-kind.js';
import { ModbusLink, SETTLE_GUARD_MS } from '../../../edge/drivers/modbus/modbus-link.js';
import type { ModbusReply, ModbusRequest } from '../../../edge/drivers/modbus/modbus-request.js';
import type { ModbusTransport } from '../../../edge/drivers/modbus/modbus-transport.js';
import { silentLogger } from '../../../shared/log/logger.js';

/** A transport whose next transaction the test scripts: a reply, an error, or never settling. */
class ScriptedTransport implements ModbusTransport {
  isOpen = false;
  openError: unknown;
  next: ((request: ModbusRequest) => Promise<ModbusReply>) | undefined;
  private lostListener: ((cause: Error) => void) | undefined;

  async open(): Promise<void> {
    if (this.openError) throw this.openError;
    this.isOpen = true;
  }
  transact(request: ModbusRequest): Promise<ModbusReply> {
    return this.next ? this.next(request) : Promise.resolve({ functionCode: request.functionCode, registers: [0x4366, 0x0000] });
  }
  async close(): Promise<void> {
    this.isOpen = false;
  }
  onLost(listener: (cause: Error) => void): void {
    this.lostListener = listener;
  }
  /** The port goes away by itself. */
  lose(message: string): void {
    this.isOpen = false;
    this.lostListener?.(new Error(message));
  }
}

const READ: ModbusRequest = { unitId: 1, functionCode: 4, address: 0, quantity: 2 };

async function openLink() {
  const transport = new ScriptedTransport();
  const link = new ModbusLink(transport, silentLogger(), 'test bus');
  await link.open();
  return { transport, link };
}

async function kindOf(promise: Promise<unknown>): Promise<{ kind: string; exceptionCode?: number | undefined; message: string }> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(BusError);
    const busError = error as BusError;
    return { kind: busError.kind, exceptionCode: busError.exceptionCode, message: busError.message };
  }
  throw new Error('expected a BusError');
}

/** Errors as modbus-serial 8.0 makes them (node_modules/modbus-serial/index.js). */
const libraryErrors = {
  timeout: { name: 'TransactionTimedOutError', message: 'Timed out', errno: 'ETIMEDOUT' },
  crc: new Error('CRC error'),
  exception: Object.assign(new Error('Modbus exception 2: Illegal data address (register not supported by device)'), { modbusCode: 2 }),
  portNotOpen: { name: 'PortNotOpenError', message: 'Port Not Open', errno: 'ECONNREFUSED' },
  refused: Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:502'), { code: 'ECONNREFUSED', errno: -111 }),
  reset: Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }),
  pipe: Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }),
  serialClosed: new Error('Port is not open'),
  wrongLength: new Error('Data length error, expected 9 got 7'),
  wrongUnit: new Error('Unexpected data error, expected address 1 got 2'),
};

describe('modbus-serial errors as BusError kinds', () => {
  it.each([
    ['timeout', 'timeout'],
    ['crc', 'checksum'],
    ['exception', 'exception'],
    ['portNotOpen', 'transport'],
    ['refused', 'transport'],
    ['reset', 'transport'],
    ['pipe', 'transport'],
    ['serialClosed', 'transport'],
    ['wrongLength', 'malformed'],
    ['wrongUnit', 'malformed'],
  ] as const)('%s -> %s', (name, kind) => {
    const error = toBusError(libraryErrors[name], 'unit 1 FC04');
    expect(error.kind).toBe(kind);
    expect(error.cause).toBe(libraryErrors[name]);
  });

  it('keeps the exception code of an exception reply', () => {
    expect(toBusError(libraryErrors.exception, 'x').exceptionCode).toBe(2);
  });
});

describe('modbus link over a transport', () => {
  it('passes a reply through', async () => {
    const { link } = await openLink();
    await expect(link.execute(READ, 100)).resolves.toEqual({ functionCode: 4, registers: [0x4366, 0x0000] });
  });

  it('maps each library failure, naming the bus and the request', async () => {
    const { transport, link } = await openLink();
    transport.next = () => Promise.reject(libraryErrors.exception);
    expect(await kindOf(link.execute(READ, 100))).toEqual({
      kind: 'exception',
      exceptionCode: 2,
      message: 'test bus unit 1 FC04 read input registers 0x0000 x2: Modbus exception 2: Illegal data address (register not supported by device)',
    });
    transport.next = () => Promise.reject(libraryErrors.crc);
    expect((await kindOf(link.execute(READ, 100))).kind).toBe('checksum');
    transport.next = undefined;
    await expect(link.execute(READ, 100)).resolves.toBeDefined();
  });

  it('settles a transaction the library never settles, by the guard', async () => {
    const { transport, link } = await openLink();
    transport.next = () => new Promise<never>(() => undefined);
    const started = Date.now();
    expect((await kindOf(link.execute(READ, 50))).kind).toBe('timeout');
    expect(Date.now() - started).toBeGreaterThanOrEqual(50 + SETTLE_GUARD_MS - 5);
  });

  it('fails a pending transaction at once when the port goes away, then refuses until reopened', async () => {
    const { transport, link } = await openLink();
    transport.next = () => new Promise<never>(() => undefined);
    const pending = link.execute(READ, 10_000);
    transport.lose('port unplugged');
    expect(await kindOf(pending)).toMatchObject({ kind: 'transport', message: 'test bus: port unplugged' });
    expect(link.isOpen).toBe(false);
    transport.next = undefined;
    expect(await kindOf(link.execute(READ, 100))).toMatchObject({ kind: 'transport', message: expect.stringContaining('link is not open (port unplugged)') });
    await link.open();
    await expect(link.execute(READ, 100)).resolves.toBeDefined();
  });

  it('reports a timeout on a port that closed meanwhile as a transport failure', async () => {
    const { transport, link } = await openLink();
    transport.next = async () => {
      transport.isOpen = false;
      throw libraryErrors.timeout;
    };
    expect((await kindOf(link.execute(READ, 100))).kind).toBe('transport');
  });

  it('fails open() with a transport error whatever the cause', async () => {
    const transport = new ScriptedTransport();
    const link = new ModbusLink(transport, silentLogger(), 'test bus');
    transport.openError = libraryErrors.refused;
    expect(await kindOf(link.open())).toMatchObject({ kind: 'transport', message: 'test bus: open: connect ECONNREFUSED 127.0.0.1:502' });
    transport.openError = new Error('something odd');
    expect((await kindOf(link.open())).kind).toBe('transport');
    transport.openError = undefined;
    await link.open();
    expect(link.isOpen).toBe(true);
    await link.close();
    expect(link.isOpen).toBe(false);
    await link.close();
  });
});
