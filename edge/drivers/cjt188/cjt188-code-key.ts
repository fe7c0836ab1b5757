import { z } from 'zod';

/**
 * Codes written as YAML keys in a profile (unit codes, ST patterns): 0x2C or 44. The yaml library
 * turns a hex key into its decimal string ("44"), a quoted key stays as written ("0x2C").
 */
export const CodeKeySchema = z.string().regex(/^(?:0[xX][0-9A-Fa-f]{1,2}|\d{1,3})$/, 'codes are written 0x2C or 44');

/** "0x2C" or "44" -> 44. */
export function codeOfKey(key: string): number {
  return key.toLowerCase().startsWith('0x') ? Number.parseInt(key.slice(2), 16) : Number.parseInt(key, 10);
}
