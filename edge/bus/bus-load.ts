import type { FieldBus } from './bus-config.js';
import { interFrameGapMs, wireTimeMs } from './bus-timing.js';
import type { PollStep } from './polled-protocol.js';
import type { PolledDevice } from './polled-device.js';

/** Bytes assumed for a step whose protocol does not say (a short read and its reply). */
const DEFAULT_WIRE_BYTES = { request: 8, reply: 16 };

export interface BusLoad {
  /** Share of the line's time the configured polls need; above 1 they cannot all run on time. */
  utilisation: number;
  transactionsPerSecond: number;
}

/**
 * How busy the configured polls keep a serial line (edge/bus/README.md, what a serial line can
 * carry): each transaction takes (request + reply bytes) x character time + t3.5 gap + the slave's
 * turnaround. At 2400 baud 8N1 an SDM120 read of 2 registers takes
 * 17 x 4.17 ms + 2 x 14.6 ms = 100 ms: ten per second for the whole bus. TCP endpoints are not limited by a line and report 0.
 */
export function estimateBusLoad(
  bus: FieldBus,
  /** The protocol's typical reply turnaround (PolledProtocol.typicalTurnaroundMs). */
  turnaroundMs: number,
  devices: ReadonlyArray<{ device: PolledDevice; steps: ReadonlyArray<PollStep<unknown, unknown>> }>,
): BusLoad {
  if (bus.transport !== 'serial') return { utilisation: 0, transactionsPerSecond: 0 };
  let busyMsPerSecond = 0;
  let transactionsPerSecond = 0;
  for (const { device, steps } of devices) {
    const pollsPerSecond = 1000 / device.pollIntervalMs;
    for (const step of steps) {
      const bytes = step.wireBytes ?? DEFAULT_WIRE_BYTES;
      const transactionMs = wireTimeMs(bus, bytes.request + bytes.reply) + 2 * interFrameGapMs(bus) + turnaroundMs;
      busyMsPerSecond += transactionMs * pollsPerSecond;
      transactionsPerSecond += pollsPerSecond;
    }
  }
  return { utilisation: busyMsPerSecond / 1000, transactionsPerSecond };
}
