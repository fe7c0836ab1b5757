import modbusSerial from 'modbus-serial';
import type { ModbusReply, ModbusRequest } from './modbus-request.js';
import type { ModbusTarget, ModbusTransport } from './modbus-transport.js';

/*
 * modbus-serial is a CommonJS module whose module.exports is the ModbusRTU class, with
 * module.exports.default pointing at itself; its typings declare `export default ModbusRTU`. Under
 * NodeNext the default import is module.exports, so `.default` is the class for both tsc and Node.
 */
const ModbusRTU = modbusSerial.default;
type ModbusClient = InstanceType<typeof ModbusRTU>;

/** The part of modbus-serial's RTUBufferedPort this file touches (ports/rtubufferedport.js). */
interface BufferedPortInternals {
  _buffer?: unknown;
}

/**
 * The one ModbusTransport over modbus-serial's ModbusRTU client: RTU on a serial port through
 * connectRTUBuffered (which reassembles a reply from the bytes the port hands over in pieces), or
 * Modbus TCP through connectTCP. A fresh client per open(), so no state of a failed connection
 * survives into the next one.
 */
export class ModbusSerialTransport implements ModbusTransport {
  private client: ModbusClient | undefined;
  private readonly lostListeners: Array<(cause: Error) => void> = [];

  constructor(private readonly target: ModbusTarget) {}

  get isOpen(): boolean {
    return this.client?.isOpen === true;
  }

  onLost(listener: (cause: Error) => void): void {
    this.lostListeners.push(listener);
  }

  async open(): Promise<void> {
    const client = new ModbusRTU();
    // ModbusRTU re-emits port errors as 'error'; an EventEmitter without an 'error' listener throws.
    client.on('error', (error: unknown) => this.lost(client, asError(error)));
    client.on('close', () => this.lost(client, new Error('port closed')));
    this.client = client;
    if (this.target.kind === 'rtu') {
      const { path, baudRate, dataBits, stopBits, parity } = this.target;
      await client.connectRTUBuffered(path, { baudRate, dataBits, stopBits, parity });
    } else {
      // Before connectTCP, setTimeout also bounds the TCP connect: TcpPort passes it to
      // socket.setTimeout and fails open() with "TCP Connection Timed Out" (ports/tcpport.js).
      client.setTimeout(this.target.connectTimeoutMs);
      await client.connectTCP(this.target.host, { port: this.target.port });
    }
    // The link gave up waiting (its open timeout) and closed meanwhile: do not leave this one open.
    if (this.client !== client) await this.release(client);
  }

  async transact(request: ModbusRequest, timeoutMs: number): Promise<ModbusReply> {
    const client = this.client;
    if (!client) throw Object.assign(new Error('Port Not Open'), { name: 'PortNotOpenError' });
    client.setID(request.unitId);
    client.setTimeout(timeoutMs);
    this.dropStaleBytes(client);
    const { functionCode, address, quantity } = request;
    const values = request.values ?? [];
    switch (functionCode) {
      case 1:
        // bits come padded to whole bytes: keep the quantity asked for
        return { functionCode, bits: (await client.readCoils(address, quantity)).data.slice(0, quantity) };
      case 2:
        return { functionCode, bits: (await client.readDiscreteInputs(address, quantity)).data.slice(0, quantity) };
      case 3:
        return { functionCode, registers: (await client.readHoldingRegisters(address, quantity)).data };
      case 4:
        return { functionCode, registers: (await client.readInputRegisters(address, quantity)).data };
      case 5:
        await client.writeCoil(address, values[0] === 1);
        return { functionCode };
      case 6:
        await client.writeRegister(address, values[0] ?? 0);
        return { functionCode };
      case 15:
        await client.writeCoils(address, values.map((bit) => bit === 1));
        return { functionCode };
      case 16:
        await client.writeRegisters(address, [...values]);
        return { functionCode };
    }
  }

  async close(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    if (client) await this.release(client);
  }

  private release(client: ModbusClient): Promise<void> {
    return new Promise<void>((resolve) => {
      // TCP: destroy() calls back at once (close() waits for a 'close' event that never comes when
      // the socket failed first). RTU: RTUBufferedPort has no destroy(); close() calls back, with an
      // error when the port was not open, which is fine here.
      if (this.target.kind === 'tcp') client.destroy(() => resolve());
      else client.close(() => resolve());
    });
  }

  /**
   * RTUBufferedPort keeps unmatched bytes across requests (up to 256). On a half-duplex line nothing
   * in that buffer can belong to the next request: it is the late reply of a request that timed out,
   * or noise, and a stray byte equal to the next unit id could be taken for the start of its reply.
   */
  private dropStaleBytes(client: ModbusClient): void {
    if (this.target.kind !== 'rtu') return;
    const port = (client as unknown as { _port?: BufferedPortInternals })._port;
    if (port && Buffer.isBuffer(port._buffer)) port._buffer = Buffer.alloc(0);
  }

  private lost(client: ModbusClient, cause: Error): void {
    // a client this transport already let go of (closed, or replaced by a newer open) is not news
    if (client !== this.client) return;
    for (const listener of this.lostListeners) listener(cause);
  }
}

/** ModbusRTU re-emits port errors as SerialPortError, an object that is not an Error instance. */
function asError(value: unknown): Error {
  if (value instanceof Error) return value;
  const message = typeof value === 'object' && value !== null && typeof (value as { message?: unknown }).message === 'string' ? (value as { message: string }).message : String(value);
  return new Error(message, { cause: value });
}
