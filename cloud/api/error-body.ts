import { z } from 'zod';

/** The body of every 4xx and 5xx answer, as documented in OpenAPI. */
export const ErrorBodySchema = z.object({
  error: z.string(),
  message: z.string(),
  fields: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  details: z.record(z.string(), z.unknown()).optional(),
});
