import type { Clock } from '../../shared/time/clock.js';
import type { Caller } from '../access/caller.js';
import type { ReadContext } from '../audit/audit-entry.js';
import { AuditRepository } from '../audit/audit-repository.js';
import type { SqlDatabase } from '../db/sql-database.js';
import type { Ticket } from '../tickets/ticket.js';
import type { TicketEvidence, TicketEvidenceBuilder } from './ticket-evidence-builder.js';

/** The audit action of a ticket's evidence read. */
export const EVIDENCE_READ_ACTION = 'ticket_evidence_read';

/**
 * A ticket's evidence as a caller reads it: built, then written to the audit log (estate, the
 * ticket's household for a unit's ticket, the ticket id as subject, the purpose and route) before
 * it is returned, so no evidence leaves without its entry. The caller's right to the ticket is the
 * route's to check, as for the ticket itself.
 */
export class TicketEvidenceService {
  private readonly audit = new AuditRepository();

  constructor(
    private readonly db: SqlDatabase,
    private readonly builder: Pick<TicketEvidenceBuilder, 'build'>,
    private readonly clock: Clock,
  ) {}

  async read(caller: Caller, ticket: Ticket, context: ReadContext): Promise<TicketEvidence> {
    const evidence = await this.builder.build(ticket, this.clock.now());
    const unitId = ticket.subjectKind === 'unit' ? ticket.subjectId : null;
    await this.db.transaction((tx) => this.audit.recordReads(tx, caller, this.clock.now(), EVIDENCE_READ_ACTION, [{ estateId: ticket.estateId, unitId, subjectId: ticket.id }], context));
    return evidence;
  }
}
