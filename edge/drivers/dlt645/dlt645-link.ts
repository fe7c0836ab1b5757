import type { BusLink } from '../../bus/bus-link.js';
import type { FrameReply, FrameRequest } from '../serial/serial-frame-link.js';
import { runDlt645Transaction, type Dlt645Reply, type Dlt645Request } from './dlt645-transaction.js';

/** A DL/T 645 link: DL/T 645 transactions (reads with follow-ups) over a frame link. */
export class Dlt645Link implements BusLink<Dlt645Request, Dlt645Reply> {
  constructor(private readonly frames: BusLink<FrameRequest, FrameReply>) {}

  get isOpen(): boolean {
    return this.frames.isOpen;
  }

  open(): Promise<void> {
    return this.frames.open();
  }

  execute(request: Dlt645Request, timeoutMs: number): Promise<Dlt645Reply> {
    return runDlt645Transaction(request, (frame, timeout) => this.frames.execute(frame, timeout), timeoutMs);
  }

  close(): Promise<void> {
    return this.frames.close();
  }
}
