import { z } from 'zod';
import { polledProfileSchema } from '../../profiles/polled-profile.js';

/**
 * The modbus driver's part of a device profile (the driver owns the schema of its attributes:
 * edge/drivers/README.md). A profile has a `settings:` section (this file's
 * ModbusProfileSectionSchema) and points whose `attributes:` say where each value lives
 * (ModbusPointAttributesSchema).
 */

/**
 * The four Modbus data tables and the function code that reads each (Modbus Application Protocol
 * V1.1b §6.1-6.4): coil FC01, discrete_input FC02, holding_register FC03, input_register FC04.
 */
export const MODBUS_TABLES = ['coil', 'discrete_input', 'holding_register', 'input_register'] as const;
export type ModbusTable = (typeof MODBUS_TABLES)[number];

/** Tables of single bits (FC01/FC02) as opposed to 16-bit registers (FC03/FC04). */
export function isBitTable(table: ModbusTable): table is 'coil' | 'discrete_input' {
  return table === 'coil' || table === 'discrete_input';
}

export const MODBUS_DATA_TYPES = ['bool', 'int16', 'uint16', 'int32', 'uint32', 'float32', 'bcd16', 'bcd32'] as const;
export type ModbusDataType = (typeof MODBUS_DATA_TYPES)[number];

/**
 * Byte order of a 32-bit value over its two registers, naming the value's bytes A (most significant)
 * to D as they appear on the wire. ABCD: high word first, big-endian (the Eastron SDM120 / SDM630
 * Modbus protocol); CDAB: low word first (TUF-2000F user manual §5.1, LONG); BADC: bytes swapped
 * in each word; DCBA: fully little-endian. 16-bit registers are always big-endian (Modbus
 * Application Protocol §4.2).
 */
export const WORD_ORDERS = ['ABCD', 'CDAB', 'BADC', 'DCBA'] as const;
export const WordOrderSchema = z.enum(WORD_ORDERS);
export type WordOrder = z.infer<typeof WordOrderSchema>;

/** Registers a value of the type spans: 32-bit types take two consecutive registers. */
export function registerWidth(type: ModbusDataType): 1 | 2 {
  return type === 'int32' || type === 'uint32' || type === 'float32' || type === 'bcd32' ? 2 : 1;
}

/** Wire limits of one request (Modbus Application Protocol V1.1b3 §6.1-6.4, libmodbus MODBUS_MAX_READ_REGISTERS / _BITS). */
export const MAX_REGISTERS_PER_READ = 125;
export const MAX_BITS_PER_READ = 2000;

export const ModbusPointAttributesSchema = z
  .object({
    table: z.enum(MODBUS_TABLES),
    /**
     * 0-based address on the wire (the PDU's starting address). Manuals often list 1-based register
     * numbers with a table prefix: number 30001 -> 0x0000 (input register), 40001 -> 0x0000 (holding
     * register), TUF-2000 REG0001 -> 0x0000 (edge/drivers/modbus/README.md, register maps).
     */
    address: z.number().int().min(0).max(65_535),
    type: z.enum(MODBUS_DATA_TYPES),
    /** For 32-bit types only; the profile's settings.word_order when left out. */
    word_order: WordOrderSchema.optional(),
    /** A bool packed in a register: bit 0 (least significant) to 15 of the 16-bit word. */
    bit: z.number().int().min(0).max(15).optional(),
  })
  .superRefine((attributes, ctx) => {
    const bitTable = isBitTable(attributes.table);
    if (bitTable && attributes.type !== 'bool') {
      ctx.addIssue({ code: 'custom', path: ['type'], message: `a ${attributes.table} holds one bit: type must be bool` });
    }
    if (bitTable && attributes.bit !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['bit'], message: `bit selects a bit of a register; a ${attributes.table} is already one bit` });
    }
    if (!bitTable && attributes.type === 'bool' && attributes.bit === undefined) {
      ctx.addIssue({ code: 'custom', path: ['bit'], message: `a bool in a ${attributes.table} needs bit (0-15)` });
    }
    if (attributes.bit !== undefined && attributes.type !== 'bool') {
      ctx.addIssue({ code: 'custom', path: ['bit'], message: 'bit is only for type bool' });
    }
    if (attributes.word_order !== undefined && registerWidth(attributes.type) !== 2) {
      ctx.addIssue({ code: 'custom', path: ['word_order'], message: `word_order applies to 32-bit types only, not ${attributes.type}` });
    }
    if (attributes.address + registerWidth(attributes.type) - 1 > 65_535) {
      ctx.addIssue({ code: 'custom', path: ['address'], message: `a ${attributes.type} at ${attributes.address} runs past address 65535` });
    }
  });
export type ModbusPointAttributes = z.infer<typeof ModbusPointAttributesSchema>;

export const ModbusProfileSectionSchema = z
  .object({
    /** Word order of 32-bit points that do not set their own. */
    word_order: WordOrderSchema.default('ABCD'),
    /**
     * Largest FC03/FC04 read the device accepts. The protocol allows 125; many meters accept fewer
     * (Eastron SDM630: 80 registers per third-party maps, UNVERIFIED; SDM72D-M: 30 parameters =
     * 60 registers, per its manual; edge/drivers/modbus/README.md), so each profile sets its own.
     */
    max_registers_per_read: z.number().int().min(1).max(MAX_REGISTERS_PER_READ).default(MAX_REGISTERS_PER_READ),
    /** Largest FC01/FC02 read, in bits (protocol limit 2000). */
    max_bits_per_read: z.number().int().min(1).max(MAX_BITS_PER_READ).default(MAX_BITS_PER_READ),
    /**
     * Unused registers (or bits, in coil and discrete-input tables) one merged read may span between
     * two points. 0 reads only registers that points use: some devices answer an exception for any
     * unmapped address in the range, so a gap is opt-in per model.
     */
    max_gap: z.number().int().min(0).max(MAX_REGISTERS_PER_READ - 1).default(0),
    /** false reads every point in its own request (devices that refuse multi-parameter reads). */
    allow_merge: z.boolean().default(true),
  })
  .prefault({});
export type ModbusProfileSection = z.infer<typeof ModbusProfileSectionSchema>;

/** The span of a point on the wire: registers (or bits) first..last of its table, and a bit if any. */
export interface WireSpan {
  table: ModbusTable;
  first: number;
  last: number;
  bit?: number | undefined;
}

export function wireSpan(attributes: ModbusPointAttributes): WireSpan {
  const width = isBitTable(attributes.table) ? 1 : registerWidth(attributes.type);
  return { table: attributes.table, first: attributes.address, last: attributes.address + width - 1, bit: attributes.bit };
}

/** "input_register 0x0048-0x0049" or "holding_register 0x0010 bit 3", for messages. */
export function describeSpan(span: WireSpan): string {
  const hex = (n: number) => `0x${n.toString(16).toUpperCase().padStart(4, '0')}`;
  const range = span.first === span.last ? hex(span.first) : `${hex(span.first)}-${hex(span.last)}`;
  return `${span.table} ${range}${span.bit === undefined ? '' : ` bit ${span.bit}`}`;
}

/**
 * Points that use a register (or bit) another point of the same table already uses. Several bool
 * points may share one register when each takes a different bit; a bit point and a whole-register
 * point on the same register collide. Each problem names both points; index is the later point's.
 */
export function modbusAddressProblems(points: ReadonlyArray<{ name: string; attributes: ModbusPointAttributes }>): Array<{ index: number; message: string }> {
  const problems: Array<{ index: number; message: string }> = [];
  const spans = points.map((point) => wireSpan(point.attributes));
  spans.forEach((span, index) => {
    for (let earlier = 0; earlier < index; earlier++) {
      const other = spans[earlier]!;
      if (other.table !== span.table || other.last < span.first || span.last < other.first) continue;
      if (span.bit !== undefined && other.bit !== undefined && span.bit !== other.bit) continue;
      problems.push({
        index,
        message: `"${points[index]!.name}" (${describeSpan(span)}) overlaps "${points[earlier]!.name}" (${describeSpan(other)})`,
      });
      break;
    }
  });
  return problems;
}

/** A modbus profile: the `settings:` above, and points whose `attributes:` say where each value lives. */
export const ModbusDeviceProfileSchema = polledProfileSchema('modbus', ModbusProfileSectionSchema, ModbusPointAttributesSchema, modbusAddressProblems);
export type ModbusDeviceProfile = z.infer<typeof ModbusDeviceProfileSchema>;
