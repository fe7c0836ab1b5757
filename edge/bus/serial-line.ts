import { z } from 'zod';

/**
 * The settings of a serial line: what a bus config may set, what a profile may say its meters ship
 * with, and what the port is opened with once both are settled (edge/drivers/settle-buses.ts).
 */
export interface SerialLine {
  baudRate: number;
  dataBits: 7 | 8;
  parity: 'none' | 'even' | 'odd';
  stopBits: 1 | 2;
}

/** The four settings as YAML writes them; each may be left out. */
export const SerialLineFieldsSchema = z.object({
  baud_rate: z.number().int().min(300).max(921_600).optional(),
  data_bits: z.union([z.literal(7), z.literal(8)]).optional(),
  parity: z.enum(['none', 'even', 'odd']).optional(),
  stop_bits: z.union([z.literal(1), z.literal(2)]).optional(),
});
export type SerialLineFields = z.infer<typeof SerialLineFieldsSchema>;
export type SerialLineField = keyof SerialLineFields;
export const SERIAL_LINE_FIELDS = ['baud_rate', 'data_bits', 'parity', 'stop_bits'] as const satisfies readonly SerialLineField[];

/** The line in YAML's field names, every one set. */
export function lineFields(line: SerialLine): Required<SerialLineFields> {
  return { baud_rate: line.baudRate, data_bits: line.dataBits, parity: line.parity, stop_bits: line.stopBits };
}

/** "2400 8N1", "9600 8E1": how manuals and nameplates write a line. */
export function describeLine(line: SerialLine): string {
  return `${line.baudRate} ${line.dataBits}${line.parity[0]!.toUpperCase()}${line.stopBits}`;
}
