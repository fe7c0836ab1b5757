import { z } from 'zod';

/**
 * The body of a route whose service checks it and names each field at fault (platform/parse-input.ts);
 * the route only passes it on, so the rules live in one place.
 */
export const AnyBody = z.record(z.string(), z.unknown());
