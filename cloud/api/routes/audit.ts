import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { fromWireTime, LocalIdSchema } from '../../../shared/contract/index.js';
import { DEFAULT_AUDIT_PAGE, MAX_AUDIT_PAGE, type AuditEntry } from '../../audit/audit-entry.js';
import type { AuditService } from '../../audit/audit-service.js';
import { invalidField } from '../../platform/app-error.js';
import { iso } from '../api-time.js';
import { ErrorBodySchema } from '../error-body.js';
import { signedInCaller } from '../auth/authentication.js';
import { EstateParams } from './estates.js';

export type AuditDesk = Pick<AuditService, 'list'>;

const AuditEntryViewSchema = z.object({
  id: z.number().int(),
  at: z.iso.datetime(),
  estate_id: z.string(),
  /** read: someone read a household's data (with its purpose and route); change: something was changed. */
  kind: z.enum(['read', 'change']),
  action: z.string(),
  /** The household (its unit) the entry concerns, if any. */
  unit_id: z.string().nullable(),
  /** What else it concerns: a staff id, a gateway, a device, a contact. */
  subject_id: z.string().nullable(),
  /** Who: kind and staff id ("operator" for the terminal), and the session or API token it came through. */
  actor: z.object({ kind: z.enum(['staff', 'api_token', 'operator']), id: z.string(), via: z.string().nullable() }),
  purpose: z.string().nullable(),
  route: z.string().nullable(),
  /** Ids and versions only, never care-record contents. */
  details: z.record(z.string(), z.unknown()),
});

function entryView(estateId: string, entry: AuditEntry): z.infer<typeof AuditEntryViewSchema> {
  return {
    id: entry.id,
    at: iso(entry.at),
    estate_id: entry.estateId ?? estateId,
    kind: entry.kind,
    action: entry.action,
    unit_id: entry.unitId,
    subject_id: entry.subjectId,
    actor: entry.actor,
    purpose: entry.purpose,
    route: entry.route,
    details: entry.details,
  };
}

/** A position in the log: entries older than the entry with this id come next. */
const CursorSchema = z.string().regex(/^[1-9][0-9]{0,14}$/, 'a cursor is the next_cursor of the page before');

const AuditQuery = z.object({
  unit_id: LocalIdSchema.optional().describe('entries about this household (unit)'),
  actor_id: z.string().min(1).max(100).optional().describe('entries of this actor: a staff id, or "operator"'),
  kind: z.enum(['read', 'change']).optional(),
  from: z.iso.datetime({ offset: true }).optional().describe('entries at or after this time'),
  to: z.iso.datetime({ offset: true }).optional().describe('entries before this time'),
  limit: z.coerce.number().int().min(1).max(MAX_AUDIT_PAGE).default(DEFAULT_AUDIT_PAGE),
  cursor: CursorSchema.optional().describe('next_cursor of the page before'),
});

/**
 * The audit log of one estate, for its estate managers and administrators (permission audit.read):
 * reads of residents' data with their purpose and route, and changes, newest first, a bounded page
 * at a time. The log of an estate where the caller holds no role is not found.
 */
export const auditRoutes =
  (desk: AuditDesk): FastifyPluginAsyncZod =>
  async (app) => {
    app.get(
      '/estates/:estate_id/audit',
      {
        config: { access: { permission: 'audit.read' } },
        schema: {
          summary: 'Audit entries of the estate, newest first; filter by household, actor, kind and time; page on with cursor',
          params: EstateParams,
          querystring: AuditQuery,
          response: {
            200: z.object({ entries: z.array(AuditEntryViewSchema), next_cursor: z.string().nullable() }),
            400: ErrorBodySchema,
            401: ErrorBodySchema,
            403: ErrorBodySchema,
            404: ErrorBodySchema,
          },
        },
      },
      async (request) => {
        const { estate_id } = request.params;
        const { unit_id, actor_id, kind, from, to, limit, cursor } = request.query;
        const since = from === undefined ? undefined : fromWireTime(from);
        const until = to === undefined ? undefined : fromWireTime(to);
        if (since !== undefined && until !== undefined && since >= until) throw invalidField('querystring.to', 'must be later than from');
        const entries = await desk.list(signedInCaller(request), {
          estate_id,
          ...(unit_id === undefined ? {} : { unit_id }),
          ...(actor_id === undefined ? {} : { actor_id }),
          ...(kind === undefined ? {} : { kind }),
          ...(since === undefined ? {} : { since }),
          ...(until === undefined ? {} : { until }),
          ...(cursor === undefined ? {} : { before_id: Number(cursor) }),
          limit,
        });
        const last = entries.at(-1);
        return { entries: entries.map((entry) => entryView(estate_id, entry)), next_cursor: entries.length === limit && last ? String(last.id) : null };
      },
    );
  };
