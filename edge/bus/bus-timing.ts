import { serialSettings, type FieldBus, type SerialFieldBus } from './bus-config.js';

/**
 * Silence kept between the end of one transaction and the next request on a serial line: Modbus
 * RTU's t3.5 (Modbus over Serial Line V1.02 §2.5.1.1), 3.5 character times at 19200 baud and below
 * and a fixed 1.75 ms above. A character is 1 start + data bits + parity bit + stop bits: 11 bits for
 * 8E1, 10 for 8N1. 9600 8E1: 3.5 x 11 / 9600 = 4.01 ms. Frame protocols (DL/T 645, CJ/T 188) are
 * delimited by their own start and end bytes and need no gap, but a short one does them no harm.
 * TCP needs none.
 */
export function interFrameGapMs(bus: FieldBus): number {
  if (bus.transport !== 'serial') return 0;
  if (bus.baud_rate > 19_200) return 1.75;
  return 3.5 * characterTimeMs(bus);
}

/** Time to send n bytes on the line, in ms; for the bus load estimate. */
export function wireTimeMs(bus: FieldBus, bytes: number): number {
  return bus.transport === 'serial' ? bytes * characterTimeMs(bus) : 0;
}

/** One character on the line, in ms: (1 start + data + parity + stop bits) / baud. */
function characterTimeMs(bus: SerialFieldBus): number {
  const { baudRate, dataBits, parity, stopBits } = serialSettings(bus);
  const bitsPerChar = 1 + dataBits + (parity === 'none' ? 0 : 1) + stopBits;
  return (bitsPerChar * 1000) / baudRate;
}
