import { z } from 'zod';

/**
 * A phone number as stored: digits with an optional leading "+" (spaces, dashes, dots and brackets
 * people type are dropped). 6-20 digits: short landlines to E.164's 15 plus an extension.
 */
export const PhoneSchema = z
  .string()
  .transform((value) => value.replace(/[\s\-.()]/g, ''))
  .pipe(z.string().regex(/^\+?\d{6,20}$/, 'a phone number: 6-20 digits, optionally a leading +'));

/**
 * The number as lists show it: the first 3 and last 4 characters, the rest as "*" (13812341111 ->
 * 138****1111, the masking Chinese apps use). Shorter than 9 characters: only the last 2 shown.
 */
export function maskPhone(phone: string): string {
  if (phone.length < 9) return '*'.repeat(Math.max(phone.length - 2, 0)) + phone.slice(-2);
  return phone.slice(0, 3) + '*'.repeat(phone.length - 7) + phone.slice(-4);
}
