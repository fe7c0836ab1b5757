import { z } from 'zod';
import { ItemIdSchema, WireTimeSchema } from './identifiers.js';
import { SubjectSchema } from './subject.js';
import { storableText } from './storable-text.js';

/** The ticket categories (shared/contract/README.md, ticket categories); an alert names the one it belongs to. */
export const AlertCategorySchema = z.enum([
  'lift_entrapment',
  'lift_fault',
  'care_visit',
  'water_leak',
  'device_offline',
]);
export type AlertCategory = z.infer<typeof AlertCategorySchema>;

export const AlertSeveritySchema = z.enum(['critical', 'major', 'minor']);
export type AlertSeverity = z.infer<typeof AlertSeveritySchema>;

/** raised opens an episode, updated adds evidence to it, cleared ends it at the edge. */
export const AlertStateSchema = z.enum(['raised', 'updated', 'cleared']);
export type AlertState = z.infer<typeof AlertStateSchema>;

/** A reason a housekeeper can read, in both languages of the console. */
export const ReasonSchema = z.object({
  zh: storableText().min(1).max(500),
  en: storableText().min(1).max(500),
});
export type Reason = z.infer<typeof ReasonSchema>;

/**
 * Evidence is a summary, not raw signals (shared/contract/README.md, privacy): a few named values
 * behind the decision.
 */
export const EvidenceValueSchema = z.union([storableText().max(200), z.number(), z.boolean(), z.null()]);
export const EvidenceSchema = z
  .record(storableText().min(1).max(64), EvidenceValueSchema)
  .refine((evidence) => Object.keys(evidence).length <= 32, 'at most 32 evidence entries');
export type Evidence = z.infer<typeof EvidenceSchema>;

export const AlertItemSchema = z.object({
  /** Idempotency id of this change of the alert. */
  id: ItemIdSchema,
  /** One episode from raised to cleared; the cloud keeps one ticket per episode. */
  episode_id: ItemIdSchema,
  /** Orders the changes of one episode: raised is 1, each later change one more. */
  revision: z.number().int().positive(),
  rule: z.string().regex(/^[a-z][a-z0-9_]{0,63}$/),
  subject: SubjectSchema,
  category: AlertCategorySchema,
  severity: AlertSeveritySchema,
  state: AlertStateSchema,
  /** When the condition was observed on the estate (event time, not send time). */
  event_time: WireTimeSchema,
  reason: ReasonSchema,
  evidence: EvidenceSchema,
});
export type AlertItem = z.infer<typeof AlertItemSchema>;
