import { BusError } from '../../edge/bus/bus-error.js';
import type { BusLink } from '../../edge/bus/bus-link.js';

/** A request the scripted wire understands: which device, and which step of its poll. */
export interface ScriptedRequest {
  device: string;
  step: number;
}

export type DeviceBehaviour =
  | { kind: 'answers'; value: number; delayMs?: number }
  | { kind: 'silent' }
  | { kind: 'exception'; code: number }
  | { kind: 'garbled' };

/**
 * The wire, scripted: each device answers, stays silent until the timeout, answers with an exception
 * or with a garbled frame; the whole link can fail (port removed) and come back. It records how many
 * transactions were in flight at once and when each device was asked.
 */
export class ScriptedLink implements BusLink<ScriptedRequest, number> {
  readonly behaviours = new Map<string, DeviceBehaviour>();
  readonly askedAt = new Map<string, number[]>();
  portPresent = true;
  opens = 0;
  maxInFlight = 0;
  private inFlight = 0;
  private open_ = false;

  get isOpen(): boolean {
    return this.open_;
  }

  async open(): Promise<void> {
    if (!this.portPresent) throw new BusError('transport', 'no such port');
    this.open_ = true;
    this.opens++;
  }

  async close(): Promise<void> {
    this.open_ = false;
  }

  asked(device: string): number {
    return this.askedAt.get(device)?.length ?? 0;
  }

  async execute(request: ScriptedRequest, timeoutMs: number): Promise<number> {
    if (!this.open_) throw new BusError('transport', 'port not open');
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    this.askedAt.set(request.device, [...(this.askedAt.get(request.device) ?? []), Date.now()]);
    try {
      if (!this.portPresent) {
        this.open_ = false;
        throw new BusError('transport', 'port removed');
      }
      const behaviour = this.behaviours.get(request.device) ?? { kind: 'silent' };
      switch (behaviour.kind) {
        case 'answers':
          await sleep(behaviour.delayMs ?? 1);
          return behaviour.value + request.step;
        case 'silent':
          await sleep(timeoutMs);
          throw new BusError('timeout', `no reply within ${timeoutMs} ms`);
        case 'exception':
          await sleep(1);
          throw new BusError('exception', 'exception reply', { exceptionCode: behaviour.code });
        case 'garbled':
          await sleep(1);
          throw new BusError('checksum', 'CRC mismatch');
      }
    } finally {
      this.inFlight--;
    }
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
