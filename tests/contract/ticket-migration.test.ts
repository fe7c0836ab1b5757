import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '../../cloud/db/migrate.js';
import { MIGRATIONS } from '../../cloud/db/migrations/index.js';
import { RegistryRepository } from '../../cloud/registry/registry-repository.js';
import { SqlTicketRepository } from '../../cloud/tickets/sql-ticket-repository.js';
import { newId } from '../../shared/ids.js';
import { SQL_BACKENDS, type OpenedSqlDatabase } from '../support/sql-backends.js';
import { BASE_TIME } from '../support/wire-fixtures.js';

const BEFORE_TICKET_WORDS = MIGRATIONS.filter((m) => m.id < '003-ticket-words');
const at = (minutes: number) => new Date(BASE_TIME + minutes * 60_000).toISOString();

for (const backend of SQL_BACKENDS) {
  describe(`migration 003-ticket-words on ${backend.name}`, () => {
    let opened: OpenedSqlDatabase;
    beforeAll(async () => {
      opened = await backend.open(BEFORE_TICKET_WORDS);
    });
    afterAll(async () => opened?.cleanup());

    it('carries tickets and audit trails written before it over: latest words as they were, each revision recorded once', async () => {
      const { db } = opened;
      const registry = new RegistryRepository(db);
      await registry.upsertEstate({ id: 'e1', name: 'Estate' });
      await registry.upsertGateway({ id: 'g1', estateId: 'e1', name: 'Gateway' });
      const id = newId();
      const episodeId = newId();
      // A lift entrapment cleared at revision 3, as the code before 003 stored it: the clear's words in reason_*.
      await db.query(
        `INSERT INTO tickets (id, episode_id, estate_id, gateway_id, type, priority, status, rule, subject_kind, subject_id,
           severity, reason_zh, reason_en, evidence, alert_state, alert_revision, raised_at, opened_at, ack_due_at,
           on_site_due_at, acknowledged_at, acknowledged_by, alert_cleared_at, updated_at)
         VALUES ($1, $2, 'e1', 'g1', 'lift_entrapment', 'P1', 'acknowledged', 'lift_entrapment', 'asset', 'lift-3',
           'critical', '门已打开：已无人被困', 'doors open: no longer trapped', '{"presses": 2}', 'cleared', 3, $3, $4, $5,
           $6, $4, 'fac-li', $7, $7)`,
        [id, episodeId, at(0), at(1), at(5), at(30), at(9)],
      );
      const audit = [
        ['opened', { alert_id: 'a1', revision: 1, state: 'raised' }],
        ['acknowledged', {}],
        ['alert_updated', { alert_id: 'a2', revision: 2, state: 'updated', stale: false }],
        ['alert_cleared', { alert_id: 'a3', revision: 3, state: 'cleared', stale: false }],
      ] as const;
      for (const [action, details] of audit) {
        await db.query(`INSERT INTO ticket_audit (ticket_id, at, actor, action, details) VALUES ($1, $2, 'gateway:g1', $3, $4::jsonb)`, [id, at(1), action, JSON.stringify(details)]);
      }

      expect(await migrate(db)).toEqual(MIGRATIONS.map((m) => m.id).filter((m) => m >= '003-ticket-words'));

      const repository = new SqlTicketRepository(db);
      const ticket = await repository.get(id);
      expect(ticket).toMatchObject({
        reasonEn: 'doors open: no longer trapped',
        reasonRevision: 3,
        alertReasonZh: '门已打开：已无人被困',
        alertReasonEn: 'doors open: no longer trapped',
        alertState: 'cleared',
        alertRevision: 3,
        alertChangedAt: BASE_TIME + 9 * 60_000,
      });
      // A redelivery of any revision the old trail has changes nothing and adds no entry.
      for (const [revision, state] of [[1, 'raised'], [2, 'updated'], [3, 'cleared']] as const) {
        const redelivered = await repository.applyAlertChange({
          actor: 'gateway:g1',
          alertId: `a${revision}`,
          episodeId,
          revision,
          state,
          severity: 'critical',
          reasonZh: `第 ${revision} 版`,
          reasonEn: `revision ${revision}`,
          evidence: { presses: 2 },
          eventTime: BASE_TIME + revision * 60_000,
          at: BASE_TIME + 20 * 60_000,
        });
        expect(redelivered, `revision ${revision}`).toEqual(ticket);
      }
      expect((await repository.auditTrail(id)).map((e) => e.action)).toEqual(audit.map(([action]) => action));
    });
  });
}
