import { z } from 'zod';
import { storableText } from './storable-text.js';

/**
 * Identifiers that appear in MQTT topics. They must never contain the MQTT topic separator or
 * wildcards ('/', '+', '#') [MQTT-4.7.1], so the grammar is a conservative slug.
 */
export const SLUG_PATTERN = /^[a-z0-9][a-z0-9_-]{0,62}$/;

export const GatewayIdSchema = z
  .string()
  .regex(SLUG_PATTERN, 'must be 1-63 characters of a-z, 0-9, "_" or "-", starting with a letter or digit');
export type GatewayId = z.infer<typeof GatewayIdSchema>;

/** Device, asset and unit ids are local to an estate; same grammar as gateway ids. */
export const LocalIdSchema = GatewayIdSchema;

/**
 * Idempotency id of one wire item: any opaque string the producer guarantees unique per item, of
 * storable text on one line (InfluxDB's line protocol keeps it as a field and ends a point at a line
 * break).
 */
export const ItemIdSchema = storableText().min(8).max(128).regex(/^[^\t\n\r]*$/, 'an item id has no tabs or line breaks');

/** Event time or send time on the wire: ISO 8601 in UTC with milliseconds, e.g. 2026-11-24T08:50:57.123Z. */
export const WireTimeSchema = z.iso.datetime({ offset: false, precision: 3 });

export function toWireTime(epochMs: number): string {
  return new Date(epochMs).toISOString();
}

/**
 * Epoch ms of a wire time; NaN for text that is not a time. The wire's own form
 * (YYYY-MM-DDTHH:MM:SS.sssZ, what toWireTime writes) is read digit by digit, in about half the time
 * Date.parse takes (the rule engine reads one per input); any other text, and a field out of the
 * ranges checked here, is left to Date.parse, so the result is always what Date.parse gives.
 */
export function fromWireTime(wireTime: string): number {
  // Inputs come in runs of one instant (a poll of the estate's meters): the same text again is read once.
  if (wireTime === lastRead.text) return lastRead.epochMs;
  const epochMs = readWireTime(wireTime);
  lastRead.text = wireTime;
  lastRead.epochMs = epochMs;
  return epochMs;
}

/** The text fromWireTime last read, and what it read. */
const lastRead = { text: '', epochMs: Number.NaN };

function readWireTime(wireTime: string): number {
  if (
    wireTime.length !== 24 ||
    wireTime.charCodeAt(4) !== DASH ||
    wireTime.charCodeAt(7) !== DASH ||
    wireTime.charCodeAt(10) !== LETTER_T ||
    wireTime.charCodeAt(13) !== COLON ||
    wireTime.charCodeAt(16) !== COLON ||
    wireTime.charCodeAt(19) !== DOT ||
    wireTime.charCodeAt(23) !== LETTER_Z
  ) {
    return Date.parse(wireTime);
  }
  const year = digitsAt(wireTime, 0, 4);
  const month = digitsAt(wireTime, 5, 2);
  const day = digitsAt(wireTime, 8, 2);
  const hour = digitsAt(wireTime, 11, 2);
  const minute = digitsAt(wireTime, 14, 2);
  const second = digitsAt(wireTime, 17, 2);
  const ms = digitsAt(wireTime, 20, 3);
  // Date.UTC takes years 0-99 as 1900-1999; Date.parse refuses hour 24 but for 24:00:00.000.
  if (year < 1970 || month < 1 || month > 12 || day < 1 || day > 31 || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59 || ms < 0) {
    return Date.parse(wireTime);
  }
  // A day past the month's end (02-30) runs on into the next month, in both. The day's start is
  // worked out once per date (Date.UTC was most of the cost): the engine's inputs come day by day.
  if (year !== lastDate.year || month !== lastDate.month || day !== lastDate.day) {
    lastDate.year = year;
    lastDate.month = month;
    lastDate.day = day;
    lastDate.start = Date.UTC(year, month - 1, day);
  }
  return lastDate.start + ((hour * 60 + minute) * 60 + second) * 1000 + ms;
}

/** The date fromWireTime last read, and its start (epoch ms). */
const lastDate = { year: -1, month: -1, day: -1, start: 0 };

const DASH = 0x2d;
const COLON = 0x3a;
const DOT = 0x2e;
const LETTER_T = 0x54;
const LETTER_Z = 0x5a;
const DIGIT_0 = 0x30;

/** The number `count` decimal digits from `from` spell, or -1 when one is not a digit. */
function digitsAt(text: string, from: number, count: number): number {
  let value = 0;
  for (let index = from; index < from + count; index++) {
    const digit = text.charCodeAt(index) - DIGIT_0;
    if (digit < 0 || digit > 9) return -1;
    value = value * 10 + digit;
  }
  return value;
}
