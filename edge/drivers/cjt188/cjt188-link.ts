import type { BusLink } from '../../bus/bus-link.js';
import type { FrameReply, FrameRequest } from '../serial/serial-frame-link.js';
import { runCjt188Transaction, type Cjt188Reply, type Cjt188Request } from './cjt188-transaction.js';

/**
 * A CJ/T 188 link: transactions over a frame link, numbering them with SER, which the master
 * increments mod 256 per exchange (CJ/T 188-2004 SER; edge/drivers/cjt188/README.md). One counter
 * per bus: one exchange at a time.
 */
export class Cjt188Link implements BusLink<Cjt188Request, Cjt188Reply> {
  private ser = 0;

  constructor(private readonly frames: BusLink<FrameRequest, FrameReply>) {}

  get isOpen(): boolean {
    return this.frames.isOpen;
  }

  open(): Promise<void> {
    return this.frames.open();
  }

  execute(request: Cjt188Request, timeoutMs: number): Promise<Cjt188Reply> {
    const ser = this.ser;
    this.ser = (this.ser + 1) & 0xff;
    return runCjt188Transaction(request, ser, (frame, timeout) => this.frames.execute(frame, timeout), timeoutMs);
  }

  close(): Promise<void> {
    return this.frames.close();
  }
}
