import { z } from 'zod';
import type { Actor } from '../access/caller.js';

/**
 * Why a resident's data is read (PIPL Art. 6: for a stated purpose, no more than it needs); every
 * read names one, and the audit log keeps it.
 */
export const READ_PURPOSES = ['care_visit', 'care_enrolment', 'emergency', 'supervision', 'resident_request'] as const;
export const ReadPurposeSchema = z.enum(READ_PURPOSES);
export type ReadPurpose = z.infer<typeof ReadPurposeSchema>;

/** What a read of resident data is for and where it came from: "GET /api/v1/estates/:estate/households/:unit", "cli". */
export interface ReadContext {
  purpose: ReadPurpose;
  route: string;
}

/** One change, as the audit log records it. details: ids and versions only, never care-profile contents. */
export interface AuditedChange {
  /** null: an installation-wide change (an administrator of every estate). */
  estateId: string | null;
  action: string;
  unitId?: string | null;
  /** What else the change concerns: a staff id, a gateway id, a device id. */
  subjectId?: string | null;
  details?: Record<string, unknown>;
  route?: string | null;
}

export interface AuditEntry {
  id: number;
  at: number;
  estateId: string | null;
  kind: 'read' | 'change';
  action: string;
  unitId: string | null;
  subjectId: string | null;
  actor: Actor;
  purpose: string | null;
  route: string | null;
  details: Record<string, unknown>;
}

export const DEFAULT_AUDIT_PAGE = 100;
export const MAX_AUDIT_PAGE = 500;

export const AuditFilterSchema = z.object({
  estate_id: z.string().min(1).optional(),
  unit_id: z.string().min(1).optional(),
  /** Entries of one actor: a staff id (their own or their API tokens' changes and reads), or "operator". */
  actor_id: z.string().min(1).optional(),
  kind: z.enum(['read', 'change']).optional(),
  /** Entries at or after this instant (epoch ms). */
  since: z.number().int().optional(),
  /** Entries before this instant (epoch ms). */
  until: z.number().int().optional(),
  /** The next page: entries older than this id. */
  before_id: z.number().int().positive().optional(),
  limit: z.number().int().min(1).max(MAX_AUDIT_PAGE).default(DEFAULT_AUDIT_PAGE),
});
export type AuditFilter = z.input<typeof AuditFilterSchema>;
