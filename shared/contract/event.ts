import { z } from 'zod';
import { ItemIdSchema, LocalIdSchema, WireTimeSchema } from './identifiers.js';
import { SubjectSchema } from './subject.js';
import { EventTypeSchema } from './canonical-events.js';
import { storableText } from './storable-text.js';

/** Attribute values of an event: flat scalars so every telemetry backend can store them. */
export const EventAttributesSchema = z
  .record(z.string().regex(/^[a-z][a-z0-9_]{0,63}$/), z.union([storableText().max(200), z.number(), z.boolean()]))
  .refine((attributes) => Object.keys(attributes).length <= 32, 'at most 32 attributes');
export type EventAttributes = z.infer<typeof EventAttributesSchema>;

export const EventItemSchema = z.object({
  /** Idempotency id; derived from the device's own serial number where it has one. */
  id: ItemIdSchema,
  device_id: LocalIdSchema,
  subject: SubjectSchema,
  type: EventTypeSchema,
  /** When it happened on the estate, as the device or the driver stamped it. */
  event_time: WireTimeSchema,
  attributes: EventAttributesSchema,
});
export type EventItem = z.infer<typeof EventItemSchema>;
