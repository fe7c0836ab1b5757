import { encodeBcdNumber, parseBcdFormat, type BcdFormat } from '../../../drivers/frame-codec/bcd-number.js';
import type { ElectricityReading } from '../household-electricity.js';

/**
 * The data identifiers a simulated single-phase DL/T 645 meter answers, with the formats of
 * edge/drivers/dlt645/README.md (data identifiers). Any other DI is answered 0xD1 ERR 0x02 (no
 * requested data), as a real meter does.
 */
interface DataItem {
  format: BcdFormat;
  signed: boolean;
  /** Energy counters truncate (a register never shows more than it has counted); the rest round. */
  counter: boolean;
  value(reading: ElectricityReading): number;
}

function item(format: string, signed: boolean, value: (reading: ElectricityReading) => number, counter = false): DataItem {
  return { format: parseBcdFormat(format), signed, counter, value };
}

const ITEMS: ReadonlyMap<string, DataItem> = new Map([
  ['00000000', item('XXXXXX.XX', true, (r) => r.importEnergyKwh - r.exportEnergyKwh, true)],
  ['00010000', item('XXXXXX.XX', false, (r) => r.importEnergyKwh, true)],
  ['00020000', item('XXXXXX.XX', false, (r) => r.exportEnergyKwh, true)],
  ['02010100', item('XXX.X', false, (r) => r.voltage)],
  ['02020100', item('XXX.XXX', true, (r) => r.current)],
  // The model gives W; DL/T 645 sends kW (XX.XXXX, edge/drivers/dlt645/README.md).
  ['02030000', item('XX.XXXX', true, (r) => r.activePower / 1000)],
  ['02030100', item('XX.XXXX', true, (r) => r.activePower / 1000)],
  ['02060000', item('X.XXX', true, (r) => r.powerFactor)],
  ['02060100', item('X.XXX', true, (r) => r.powerFactor)],
  ['02800002', item('XX.XX', false, (r) => r.frequency)],
]);

/** The value bytes (before +0x33) of a DI, or undefined when the meter has no such item. */
export function meterDataBytes(di: string, reading: ElectricityReading): Uint8Array | undefined {
  const entry = ITEMS.get(di.toUpperCase());
  if (!entry) return undefined;
  const scale = 10 ** entry.format.decimals;
  const raw = entry.value(reading);
  return encodeBcdNumber(entry.counter ? Math.floor(raw * scale) / scale : raw, entry.format, entry.signed);
}
