import { BusError } from '../../bus/bus-error.js';

/**
 * modbus-serial's failures mapped onto the BusError kinds the scheduler decides by
 * (edge/bus/bus-error.ts, edge/drivers/README.md). How the library signals each
 * (node_modules/modbus-serial/index.js, 8.0.x):
 * - no reply in time: TransactionTimedOutError, message "Timed out", errno ETIMEDOUT;
 * - bad CRC: new Error("CRC error");
 * - exception reply (FC | 0x80): Error "Modbus exception N: ..." with err.modbusCode = N;
 * - request on a closed port: PortNotOpenError "Port Not Open"; serial port errors arrive as
 *   SerialPortError; sockets fail with code ECONNREFUSED / ECONNRESET / EPIPE / ...;
 * - a reply that does not fit ("Data length error", "Unexpected data error, expected address ...").
 */

/** errno / code values of a port or socket that is gone or cannot be reached. */
const TRANSPORT_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ENOTCONN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'EADDRNOTAVAIL',
  'ENOENT',
  'ENODEV',
  'ENXIO',
  'EIO',
  'EACCES',
  'EBUSY',
  'EBADF',
]);

/** Error names the library and serialport use for a port that is not there. */
const TRANSPORT_NAMES = new Set(['PortNotOpenError', 'SerialPortError']);

/** Messages of serialport and TcpPort for a port or socket that is not usable. */
const TRANSPORT_MESSAGE = /port is not open|port is closed|port not open|cannot open|no such file|not connected|tcp connection timed out|socket|disconnected/i;

interface LibraryError {
  name?: unknown;
  message?: unknown;
  errno?: unknown;
  code?: unknown;
  modbusCode?: unknown;
}

/** The BusError for anything the library threw; `what` names the request or operation. */
export function toBusError(error: unknown, what: string): BusError {
  if (error instanceof BusError) return error;
  const e: LibraryError = typeof error === 'object' && error !== null ? (error as LibraryError) : { message: String(error) };
  const message = typeof e.message === 'string' ? e.message : String(error);
  if (typeof e.modbusCode === 'number') {
    return new BusError('exception', `${what}: ${message}`, { cause: error, exceptionCode: e.modbusCode });
  }
  if (e.name === 'TransactionTimedOutError' || e.errno === 'ETIMEDOUT' || e.code === 'ETIMEDOUT') {
    return new BusError('timeout', `${what}: no reply in time`, { cause: error });
  }
  if (message === 'CRC error') return new BusError('checksum', `${what}: reply with a bad CRC`, { cause: error });
  if (TRANSPORT_NAMES.has(String(e.name)) || TRANSPORT_CODES.has(String(e.code)) || TRANSPORT_CODES.has(String(e.errno)) || TRANSPORT_MESSAGE.test(message)) {
    return new BusError('transport', `${what}: ${message}`, { cause: error });
  }
  return new BusError('malformed', `${what}: ${message}`, { cause: error });
}
