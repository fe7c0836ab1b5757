import { z } from 'zod';
import { ItemIdSchema, LocalIdSchema, WireTimeSchema } from './identifiers.js';
import { UnitSchema } from './units.js';

/**
 * One measured value. Values are numbers only: booleans travel as 0/1 and enumerations as their
 * code, because a time-series field must keep one type (InfluxDB rejects a field whose type changes).
 */
export const ReadingItemSchema = z.object({
  id: ItemIdSchema,
  device_id: LocalIdSchema,
  point: z.string().regex(/^[a-z][a-z0-9_]{0,63}$/, 'points are snake_case'),
  value: z.number().finite(),
  unit: UnitSchema,
  event_time: WireTimeSchema,
});
export type ReadingItem = z.infer<typeof ReadingItemSchema>;
