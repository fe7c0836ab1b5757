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

export function fromWireTime(wireTime: string): number {
  return Date.parse(wireTime);
}
