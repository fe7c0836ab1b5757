import { z } from 'zod';
import { LocalIdSchema } from './identifiers.js';

/**
 * What an alert or event is about. A unit is a household; its id on the wire is the pseudonymous
 * household id the gateway holds the key for (shared/contract/README.md, privacy), never a door
 * number or a name.
 */
export const SubjectKindSchema = z.enum(['asset', 'unit', 'device', 'gateway']);
export type SubjectKind = z.infer<typeof SubjectKindSchema>;

export const SubjectSchema = z.object({
  kind: SubjectKindSchema,
  id: LocalIdSchema,
});
export type Subject = z.infer<typeof SubjectSchema>;
