import type { Migration } from './migration.js';

/**
 * A ticket keeps the words it was opened for (reason_zh, reason_en, from revision reason_revision)
 * apart from the alert's latest state (alert_reason_*, alert_changed_at), and the audit trail keeps
 * each revision of the alert once: ticket_audit.alert_revision, unique per ticket.
 *
 * Before this migration a change of the alert overwrote reason_*, so for existing tickets the words
 * they were opened for are gone where the alert changed since; they start out as the latest words,
 * and alert_changed_at as the clear time of a cleared alert or else the raise time.
 */
export const ticketWordsMigration: Migration = {
  id: '003-ticket-words',
  statements: [
    `ALTER TABLE tickets
       ADD COLUMN reason_revision integer,
       ADD COLUMN alert_reason_zh text,
       ADD COLUMN alert_reason_en text,
       ADD COLUMN alert_changed_at timestamptz`,
    `UPDATE tickets SET
       reason_revision = alert_revision,
       alert_reason_zh = reason_zh,
       alert_reason_en = reason_en,
       alert_changed_at = COALESCE(alert_cleared_at, raised_at)`,
    `ALTER TABLE tickets
       ALTER COLUMN reason_revision SET NOT NULL,
       ALTER COLUMN alert_reason_zh SET NOT NULL,
       ALTER COLUMN alert_reason_en SET NOT NULL,
       ALTER COLUMN alert_changed_at SET NOT NULL`,
    `ALTER TABLE ticket_audit ADD COLUMN alert_revision integer`,
    // Entries written before kept the revision in details; the first entry of each revision takes it.
    `UPDATE ticket_audit a SET alert_revision = (a.details->>'revision')::integer
     WHERE a.action IN ('opened', 'alert_updated', 'alert_cleared')
       AND a.id = (SELECT min(b.id) FROM ticket_audit b
                   WHERE b.ticket_id = a.ticket_id
                     AND b.action IN ('opened', 'alert_updated', 'alert_cleared')
                     AND b.details->>'revision' = a.details->>'revision')`,
    // A redelivered revision finds its entry here and changes nothing.
    `CREATE UNIQUE INDEX ticket_audit_alert_revision_idx ON ticket_audit (ticket_id, alert_revision)
     WHERE alert_revision IS NOT NULL`,
  ],
};
