import modbusSerial, { type FCallback, type FCallbackVal } from 'modbus-serial';
import type { ModbusTable } from './modbus-profile.js';

/**
 * A Modbus slave over modbus-serial's ServerTCP / ServerSerial, for simulators and tests. It lives
 * in the driver folder because only edge/drivers/modbus/ imports modbus-serial
 * (edge/drivers/README.md); the rest of the code serves registers through the library-neutral
 * ModbusServerHandler below.
 */

/** What a slave does with one request: data, an exception reply, or no reply at all (a dead unit). */
export type ServerAnswer<T> = T | { exception: number } | 'silent';

export interface ModbusServerHandler {
  /** `length` registers (words) or bits (0/1) of the table from `address`, for the unit id. */
  read(table: ModbusTable, address: number, length: number, unitId: number): ServerAnswer<readonly number[]>;
  /** A write of coils (0/1) or holding registers; without it writes answer exception 1 (illegal function). */
  write?(table: 'coil' | 'holding_register', address: number, values: readonly number[], unitId: number): ServerAnswer<void>;
}

export interface RunningModbusServer {
  stop(): Promise<void>;
}

/** The error that makes modbus-serial's server answer exception `code` (servers/servertcp.js). */
function exceptionReply(code: number): Error {
  return Object.assign(new Error(`modbus exception ${code}`), { modbusErrorCode: code });
}

/** Exception 01 ILLEGAL FUNCTION (Modbus Application Protocol V1.1b3 §7). */
const ILLEGAL_FUNCTION = 1;

/**
 * modbus-serial's service vector in its callback style: the handlers tell the styles apart by the
 * function's declared parameter count (servers/servertcp_handler.js), so every parameter is named.
 * A 'silent' answer never calls back, and the server never replies.
 */
function serviceVector(handler: ModbusServerHandler) {
  function answer<T>(result: ServerAnswer<T>, reply: (value: T) => void, fail: (code: number) => void): void {
    if (result === 'silent') return;
    if (typeof result === 'object' && result !== null && 'exception' in result) fail(result.exception);
    else reply(result as T);
  }
  const readMany = (table: ModbusTable) => (address: number, length: number, unitId: number, cb: FCallbackVal<number[]>) =>
    answer(handler.read(table, address, length, unitId), (values) => cb(null, [...values]), (code) => cb(exceptionReply(code), []));
  const readOne = (table: ModbusTable) => (address: number, unitId: number, cb: FCallbackVal<number>) =>
    answer(handler.read(table, address, 1, unitId), (values) => cb(null, values[0] ?? 0), (code) => cb(exceptionReply(code), 0));
  const readBit = (table: ModbusTable) => (address: number, unitId: number, cb: FCallbackVal<boolean>) =>
    answer(handler.read(table, address, 1, unitId), (values) => cb(null, values[0] === 1), (code) => cb(exceptionReply(code), false));
  const write = (table: 'coil' | 'holding_register', address: number, values: number[], unitId: number, cb: FCallback) => {
    if (!handler.write) return cb(exceptionReply(ILLEGAL_FUNCTION));
    answer(handler.write(table, address, values, unitId), () => cb(null), (code) => cb(exceptionReply(code)));
  };
  return {
    getMultipleInputRegisters: readMany('input_register'),
    getMultipleHoldingRegisters: readMany('holding_register'),
    getInputRegister: readOne('input_register'),
    getHoldingRegister: readOne('holding_register'),
    getCoil: readBit('coil'),
    getDiscreteInput: readBit('discrete_input'),
    setCoil: (address: number, value: boolean, unitId: number, cb: FCallback) => write('coil', address, [value ? 1 : 0], unitId, cb),
    setRegister: (address: number, value: number, unitId: number, cb: FCallback) => write('holding_register', address, [value], unitId, cb),
    setRegisterArray: (address: number, values: number[], unitId: number, cb: FCallback) => write('holding_register', address, values, unitId, cb),
  };
}

/** A Modbus TCP slave answering every unit id; port 0 picks a free port, returned as `port`. */
export async function startModbusTcpServer(options: { host: string; port: number; handler: ModbusServerHandler }): Promise<RunningModbusServer & { port: number }> {
  // ServerTCP listens on `options.port || 502`, so a numeric 0 would become 502; the string "0" is
  // truthy and net.Server.listen reads it as port 0: a free port chosen by the OS, without a race.
  const port = (options.port === 0 ? '0' : options.port) as number;
  const server = new modbusSerial.ServerTCP(serviceVector(options.handler), { host: options.host, port, unitID: 255 });
  // ServerTCP keeps its net.Server private; its address is the only way to learn a port picked by 0.
  const netServer = (server as unknown as { _server: import('node:net').Server })._server;
  await new Promise<void>((resolve, reject) => {
    server.once('initialized', () => resolve());
    server.once('serverError', (error: unknown) => reject(error instanceof Error ? error : new Error(String(error))));
  });
  // Late socket errors (a client that resets) are the client's business, not a crash of the server.
  server.on('socketError', () => undefined);
  server.on('error', () => undefined);
  const address = netServer.address();
  return {
    port: typeof address === 'object' && address ? address.port : options.port,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/**
 * A Modbus RTU slave on a serial port (one end of a socat pty pair in tests), answering every unit
 * id. A request is taken as complete after `frameGapMs` of silence: ServerSerial's stand-in for t3.5.
 */
export async function startModbusRtuServer(options: {
  path: string;
  baudRate: number;
  parity: 'none' | 'even' | 'odd';
  handler: ModbusServerHandler;
  frameGapMs?: number;
}): Promise<RunningModbusServer> {
  const ServerSerial = modbusSerial.ServerSerial;
  let running: InstanceType<typeof ServerSerial> | undefined;
  const opened = new Promise<void>((resolve, reject) => {
    const server = new ServerSerial(serviceVector(options.handler), {
      path: options.path,
      baudRate: options.baudRate,
      parity: options.parity,
      unitID: 255,
      interval: options.frameGapMs ?? 10,
      openCallback: (error: Error | null | undefined) => (error ? reject(error) : resolve()),
    } as ConstructorParameters<typeof ServerSerial>[1]);
    running = server;
  });
  await opened;
  const server = running!;
  server.on('socketError', () => undefined);
  server.on('error', () => undefined);
  return {
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
