import { createHash } from 'node:crypto';
import { v7 as uuidv7 } from 'uuid';

/** A fresh, time-ordered unique id (UUIDv7, RFC 9562 section 5.7): sorts by creation time. */
export function newId(): string {
  return uuidv7();
}

/**
 * An id that is the same every time for the same parts, so a device's own retransmission of an event
 * (same device, same serial number) collapses into one item downstream. 128 bits of SHA-256.
 */
export function stableId(...parts: Array<string | number>): string {
  return createHash('sha256').update(parts.join('\u001f')).digest('hex').slice(0, 32);
}
