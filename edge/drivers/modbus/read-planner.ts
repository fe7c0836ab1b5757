import { BusError } from '../../bus/bus-error.js';
import type { RawPointValue } from '../../bus/polled-protocol.js';
import {
  isBitTable,
  MODBUS_TABLES,
  registerWidth,
  wireSpan,
  type ModbusDataType,
  type ModbusPointAttributes,
  type ModbusProfileSection,
  type ModbusTable,
  type WireSpan,
  type WordOrder,
} from './modbus-profile.js';
import { decodeRegisterBit, decodeRegisters } from './register-codec.js';

/**
 * Groups a profile's points into as few reads as the device allows: per table, points sorted by
 * address are merged while the read stays within max_registers_per_read (max_bits_per_read for coils
 * and discrete inputs) and the unused registers between two points stay within max_gap. Batching
 * matters on RS-485: at 9600 8N1 two t3.5 gaps cost 7.3 ms of a 25 ms two-register read
 * (edge/bus/README.md, what a serial line can carry). Worked out once per device when it is added.
 */

/** The function code that reads each table (Modbus Application Protocol §6.1-6.4). */
export const READ_FUNCTION_CODE = {
  coil: 1,
  discrete_input: 2,
  holding_register: 3,
  input_register: 4,
} as const satisfies Record<ModbusTable, number>;
export type ReadFunctionCode = (typeof READ_FUNCTION_CODE)[ModbusTable];

/** A point's place in a read: `offset` registers (or bits) after the read's first address. */
export interface PlannedPoint {
  name: string;
  offset: number;
  type: ModbusDataType;
  wordOrder: WordOrder;
  bit?: number | undefined;
}

/** One read request and how to slice its reply into points. */
export interface PlannedRead {
  table: ModbusTable;
  functionCode: ReadFunctionCode;
  address: number;
  /** Registers (FC03/FC04) or bits (FC01/FC02). */
  quantity: number;
  points: readonly PlannedPoint[];
}

interface PointToPlan {
  name: string;
  attributes: ModbusPointAttributes;
}

/** Throws an Error naming the point when a point is larger than the read limit allows. */
export function planReads(points: readonly PointToPlan[], settings: ModbusProfileSection): PlannedRead[] {
  const reads: PlannedRead[] = [];
  for (const table of MODBUS_TABLES) {
    const limit = isBitTable(table) ? settings.max_bits_per_read : settings.max_registers_per_read;
    const inTable = points
      .filter((point) => point.attributes.table === table)
      .map((point) => ({ point, span: wireSpan(point.attributes) }))
      // by address, then bit, so bit points of one register sit together
      .sort((x, y) => x.span.first - y.span.first || (x.span.bit ?? 0) - (y.span.bit ?? 0));
    let group: Array<{ point: PointToPlan; span: WireSpan }> = [];
    let first = 0;
    let last = -1;
    for (const entry of inTable) {
      const width = entry.span.last - entry.span.first + 1;
      if (width > limit) {
        throw new Error(`point "${entry.point.name}" spans ${width} ${isBitTable(table) ? 'bits' : 'registers'}, more than the ${limit} one read allows`);
      }
      const gap = entry.span.first - last - 1;
      // gap < 0: a register an earlier point of the group uses already (another bit of it)
      const fits = group.length > 0 && (gap < 0 || (settings.allow_merge && gap <= settings.max_gap)) && Math.max(last, entry.span.last) - first + 1 <= limit;
      if (!fits) {
        if (group.length > 0) reads.push(toRead(table, first, last, group, settings));
        group = [];
        first = entry.span.first;
      }
      group.push(entry);
      last = Math.max(last, entry.span.last);
    }
    if (group.length > 0) reads.push(toRead(table, first, last, group, settings));
  }
  return reads;
}

function toRead(table: ModbusTable, first: number, last: number, group: ReadonlyArray<{ point: PointToPlan; span: WireSpan }>, settings: ModbusProfileSection): PlannedRead {
  return {
    table,
    functionCode: READ_FUNCTION_CODE[table],
    address: first,
    quantity: last - first + 1,
    points: group.map(({ point, span }) => ({
      name: point.name,
      offset: span.first - first,
      type: point.attributes.type,
      wordOrder: point.attributes.word_order ?? settings.word_order,
      bit: span.bit,
    })),
  };
}

/**
 * The raw values of a read's points from its reply: register words for FC03/FC04, bits for
 * FC01/FC02 (a reply's bits come padded to whole bytes, so there may be more than asked for).
 * Throws BusError('malformed') when the reply is shorter than the read or a value is not BCD.
 */
export function sliceReply(read: PlannedRead, reply: { registers?: readonly number[]; bits?: readonly boolean[] }): RawPointValue[] {
  if (isBitTable(read.table)) {
    const bits = reply.bits;
    if (!bits || bits.length < read.quantity) throw new BusError('malformed', `${read.table} read of ${read.quantity} at ${read.address} got ${bits?.length ?? 'no'} bits`);
    return read.points.map((point) => ({ point: point.name, raw: bits[point.offset] ? 1 : 0 }));
  }
  const registers = reply.registers;
  if (!registers || registers.length !== read.quantity) {
    throw new BusError('malformed', `${read.table} read of ${read.quantity} at ${read.address} got ${registers?.length ?? 'no'} registers`);
  }
  return read.points.map((point) => {
    if (point.type === 'bool') return { point: point.name, raw: decodeRegisterBit(registers[point.offset]!, point.bit ?? 0) };
    const words = registers.slice(point.offset, point.offset + registerWidth(point.type));
    return { point: point.name, raw: decodeRegisters(words, point.type, point.wordOrder) };
  });
}
