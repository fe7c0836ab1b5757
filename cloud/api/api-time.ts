import { toWireTime } from '../../shared/contract/index.js';

/** Times in API answers are ISO 8601 UTC with milliseconds, as on the wire. */
export const iso = toWireTime;

export const isoOrNull = (ms: number | null): string | null => (ms === null ? null : iso(ms));
