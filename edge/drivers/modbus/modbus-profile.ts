import { z } from 'zod';

/**
 * The modbus driver's part of a profile. (Outline: the modbus driver fleshes this out.)
 * Point attributes: the table (function code), the 0-based wire address (manual register number
 * minus 30001 / 40001, protocols.md 2), the data type and the word order.
 */
export const ModbusPointAttributesSchema = z.object({
  table: z.enum(['coil', 'discrete_input', 'holding_register', 'input_register']),
  address: z.number().int().min(0).max(65_535),
  type: z.enum(['bool', 'int16', 'uint16', 'int32', 'uint32', 'float32', 'bcd16', 'bcd32']),
  word_order: z.enum(['ABCD', 'CDAB', 'BADC', 'DCBA']).optional(),
});
export type ModbusPointAttributes = z.infer<typeof ModbusPointAttributesSchema>;

export const ModbusProfileSectionSchema = z
  .object({
    word_order: z.enum(['ABCD', 'CDAB', 'BADC', 'DCBA']).default('ABCD'),
    max_registers_per_read: z.number().int().min(1).max(125).default(125),
  })
  .default({ word_order: 'ABCD', max_registers_per_read: 125 });
export type ModbusProfileSection = z.infer<typeof ModbusProfileSectionSchema>;

/** Points whose registers or bits overlap another point's in the same table. */
export function modbusAddressProblems(points: ReadonlyArray<{ name: string; attributes: ModbusPointAttributes }>): Array<{ index: number; message: string }> {
  void points;
  return [];
}
