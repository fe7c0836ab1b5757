import { encodeBcdNumber, parseBcdFormat, type BcdFormat } from '../../../drivers/frame-codec/bcd-number.js';
import type { ElectricityReadings } from './simulated-electricity-meter.js';

/**
 * The data identifiers a simulated single-phase DL/T 645 meter answers, with the formats of
 * protocols.md 3.2. Any other DI is answered 0xD1 ERR 0x02 (no requested data), as a real meter does.
 */
interface DataItem {
  format: BcdFormat;
  signed: boolean;
  value(readings: ElectricityReadings): number;
}

function item(format: string, signed: boolean, value: (readings: ElectricityReadings) => number): DataItem {
  return { format: parseBcdFormat(format), signed, value };
}

const ITEMS: ReadonlyMap<string, DataItem> = new Map([
  ['00000000', item('XXXXXX.XX', true, (r) => r.forwardEnergyKwh - r.reverseEnergyKwh)],
  ['00010000', item('XXXXXX.XX', false, (r) => r.forwardEnergyKwh)],
  ['00020000', item('XXXXXX.XX', false, (r) => r.reverseEnergyKwh)],
  ['02010100', item('XXX.X', false, (r) => r.voltageV)],
  ['02020100', item('XXX.XXX', true, (r) => r.currentA)],
  ['02030000', item('XX.XXXX', true, (r) => r.powerKw)],
  ['02030100', item('XX.XXXX', true, (r) => r.powerKw)],
  ['02060000', item('X.XXX', true, (r) => r.powerFactor)],
  ['02060100', item('X.XXX', true, (r) => r.powerFactor)],
  ['02800002', item('XX.XX', false, (r) => r.frequencyHz)],
]);

/**
 * The value bytes (before +0x33) of a DI, or undefined when the meter has no such item. Energy is
 * truncated, not rounded, to the format's decimals, as a register that counts up does: it must
 * never show more than it has counted.
 */
export function meterDataBytes(di: string, readings: ElectricityReadings): Uint8Array | undefined {
  const entry = ITEMS.get(di.toUpperCase());
  if (!entry) return undefined;
  const scale = 10 ** entry.format.decimals;
  const raw = entry.value(readings);
  const value = di.startsWith('000') ? Math.floor(raw * scale) / scale : raw;
  return encodeBcdNumber(value, entry.format, entry.signed);
}
