import { connect, type Socket } from 'node:net';
import { BusError } from '../../../edge/bus/bus-error.js';
import type { BusLink } from '../../../edge/bus/bus-link.js';

/** Read one register of one device: `R <unit> <register>`; the reply is `V <value>` or `E <code>`. */
export interface ToyRequest {
  unit: number;
  register: number;
}

/** The toy wire over one TCP connection, every failure a BusError as the bus scheduler expects. */
export class ToyLink implements BusLink<ToyRequest, number> {
  private socket: Socket | undefined;
  private received = '';
  private pending: { settle(line: string | BusError): void } | undefined;

  constructor(
    private readonly host: string,
    private readonly port: number,
  ) {}

  get isOpen(): boolean {
    return this.socket !== undefined;
  }

  open(): Promise<void> {
    return new Promise((resolve, reject) => {
      const socket = connect(this.port, this.host);
      socket.once('error', (error) => reject(new BusError('transport', error.message, { cause: error })));
      socket.once('connect', () => {
        this.socket = socket;
        socket.on('data', (chunk) => this.onData(chunk.toString('latin1')));
        socket.on('close', () => {
          this.socket = undefined;
          this.pending?.settle(new BusError('transport', 'connection closed'));
        });
        resolve();
      });
    });
  }

  execute(request: ToyRequest, timeoutMs: number): Promise<number> {
    const socket = this.socket;
    if (!socket) return Promise.reject(new BusError('transport', 'not open'));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => settle(new BusError('timeout', `no reply within ${timeoutMs} ms`)), timeoutMs);
      const settle = (line: string | BusError): void => {
        clearTimeout(timer);
        this.pending = undefined;
        if (line instanceof BusError) return reject(line);
        const [kind, value] = line.split(' ');
        if (kind === 'V' && value !== undefined && Number.isFinite(Number(value))) return resolve(Number(value));
        if (kind === 'E') return reject(new BusError('exception', `exception ${value}`, { exceptionCode: Number(value) }));
        reject(new BusError('malformed', `reply "${line}"`));
      };
      this.pending = { settle };
      socket.write(`R ${request.unit} ${request.register}\n`);
    });
  }

  async close(): Promise<void> {
    this.socket?.destroy();
    this.socket = undefined;
  }

  private onData(text: string): void {
    this.received += text;
    for (let end = this.received.indexOf('\n'); end >= 0; end = this.received.indexOf('\n')) {
      const line = this.received.slice(0, end);
      this.received = this.received.slice(end + 1);
      this.pending?.settle(line);
    }
  }
}
