import { SerialPort } from 'serialport';
import { BusError } from '../../bus/bus-error.js';

/**
 * The one file that imports serialport (only the transport seam touches the library:
 * edge/drivers/README.md). A serial port opened for frame protocols, with every library failure
 * mapped to BusError('transport'), and every operation a promise that settles.
 */
export interface SerialSettings {
  /** /dev/ttyUSB0, /dev/serial/by-id/..., or one end of a pty pair in tests. */
  path: string;
  baudRate: number;
  dataBits: 7 | 8;
  parity: 'none' | 'even' | 'odd';
  stopBits: 1 | 2;
}

export interface SerialPortHandlers {
  /** Bytes as the port delivers them: any chunking, frames split or joined arbitrarily. */
  data(chunk: Uint8Array): void;
  /** The port went away without close() (adapter unplugged, pty hung up, read or write failed). Once. */
  lost(error: BusError): void;
}

export interface SerialConnection {
  readonly path: string;
  readonly isOpen: boolean;
  /** Writes and waits until the bytes have left for the driver (drain). */
  write(bytes: Uint8Array): Promise<void>;
  /** Drops whatever the OS holds unread or unsent (tcflush): stale replies never answer a new request. */
  discardBuffers(): Promise<void>;
  /** Closes the port; resolves even if it was already gone. */
  close(): Promise<void>;
}

function transportError(path: string, what: string, cause: unknown): BusError {
  const reason = cause instanceof Error ? cause.message : String(cause);
  return new BusError('transport', `${path}: ${what}: ${reason}`, { cause });
}

/** Opens the port; rejects with BusError('transport') when it cannot (no such path, busy, no permission). */
export async function openSerialPort(settings: SerialSettings, handlers: SerialPortHandlers): Promise<SerialConnection> {
  const { path } = settings;
  const port = new SerialPort({
    path,
    baudRate: settings.baudRate,
    dataBits: settings.dataBits,
    parity: settings.parity,
    stopBits: settings.stopBits,
    autoOpen: false,
  });
  await new Promise<void>((resolve, reject) => {
    port.open((error) => (error ? reject(transportError(path, 'cannot open', error)) : resolve()));
  });

  let closing = false;
  let gone = false;
  const lose = (error: BusError): void => {
    if (gone) return;
    gone = true;
    if (!closing) handlers.lost(error);
  };
  port.on('data', (chunk: Buffer) => handlers.data(chunk));
  // serialport reports a hang-up (EIO on a pty, ENXIO on a removed USB adapter) as an 'error' and/or
  // a 'close' carrying a DisconnectedError; either ends the connection.
  port.on('error', (error: Error) => {
    lose(transportError(path, 'port error', error));
    if (port.isOpen) port.close(() => undefined);
  });
  port.on('close', (error: Error | null | undefined) => lose(transportError(path, 'port closed', error ?? 'closed')));

  return {
    path,
    get isOpen() {
      return !gone && port.isOpen;
    },
    write(bytes) {
      return new Promise<void>((resolve, reject) => {
        if (gone) {
          reject(new BusError('transport', `${path}: port is closed`));
          return;
        }
        port.write(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), (error) => {
          if (error) {
            reject(transportError(path, 'write failed', error));
            return;
          }
          port.drain((drainError) => (drainError ? reject(transportError(path, 'drain failed', drainError)) : resolve()));
        });
      });
    },
    discardBuffers() {
      return new Promise<void>((resolve, reject) => {
        if (gone) {
          reject(new BusError('transport', `${path}: port is closed`));
          return;
        }
        port.flush((error) => (error ? reject(transportError(path, 'flush failed', error)) : resolve()));
      });
    },
    close() {
      closing = true;
      gone = true;
      return new Promise<void>((resolve) => {
        if (!port.isOpen) {
          port.removeAllListeners('data');
          resolve();
          return;
        }
        port.close(() => {
          port.removeAllListeners('data');
          resolve();
        });
      });
    },
  };
}
