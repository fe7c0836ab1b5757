import { newId } from '../../shared/ids.js';
import type { SqlDatabase } from '../../cloud/db/sql-database.js';
import { RegistryRepository } from '../../cloud/registry/registry-repository.js';

/** Epoch ms of a wall-clock time in Asia/Shanghai (UTC+8 all year: no daylight saving since 1991). */
export function shanghai(local: string): number {
  return Date.parse(`${local.replace(' ', 'T')}:00+08:00`);
}

const MINUTE = 60_000;

/**
 * One ticket as the work-order lifecycle leaves it. Times after `opened` are minutes from it
 * (null: has not happened); `opened` is local Asia/Shanghai time.
 */
export interface SeededTicket {
  label: string;
  estateId: string;
  type: string;
  rule: string;
  status: string;
  opened: string;
  /** Minutes from opened to the raise on the estate (negative: raised before the cloud opened it). */
  raised?: number;
  ackDue: number;
  onSiteDue: number;
  acknowledged?: number | null;
  onSite?: number | null;
  resolved?: number | null;
  outcome?: string | null;
  followUpDue?: number | null;
  followedUp?: number | null;
  closed?: number | null;
  /** 'escalated' audit entries: chain, step (from 0 as the audit trail counts), round, minutes from opened. */
  escalations?: Array<[chain: string, step: number, round: number, at: number]>;
}

/** Registers the estate with a gateway (tickets reference both). */
export async function seedEstate(db: SqlDatabase, estateId: string): Promise<void> {
  const registry = new RegistryRepository(db);
  await registry.upsertEstate({ id: estateId, name: `Estate ${estateId}` });
  await registry.upsertGateway({ id: `gw-${estateId}`, estateId, name: 'Gateway' });
}

/** Inserts the tickets and their escalation entries straight into the tables; returns their ids by label. */
export async function seedTickets(db: SqlDatabase, tickets: readonly SeededTicket[]): Promise<Map<string, string>> {
  const ids = new Map<string, string>();
  for (const t of tickets) {
    const opened = shanghai(t.opened);
    const at = (minutes: number | null | undefined) => (minutes === null || minutes === undefined ? null : new Date(opened + minutes * MINUTE).toISOString());
    const id = newId();
    ids.set(t.label, id);
    await db.query(
      `INSERT INTO tickets (id, episode_id, estate_id, gateway_id, type, priority, status, rule, subject_kind, subject_id,
         severity, reason_zh, reason_en, evidence, alert_state, alert_revision, raised_at, opened_at, ack_due_at, on_site_due_at,
         acknowledged_at, on_site_at, resolved_at, outcome_code, follow_up_due_at, followed_up_at, closed_at, updated_at,
         reason_revision, alert_reason_zh, alert_reason_en, alert_changed_at)
       VALUES ($1, $2, $3, $4, $5, 'P2', $6, $7, 'unit', 'u1',
         'warning', '测试', 'test', '{}'::jsonb, 'raised', 1, $8, $9, $10, $11,
         $12, $13, $14, $15, $16, $17, $18, $9,
         1, '测试', 'test', $8)`,
      [
        id, newId(), t.estateId, `gw-${t.estateId}`, t.type, t.status, t.rule,
        at(t.raised ?? 0), at(0), at(t.ackDue), at(t.onSiteDue),
        at(t.acknowledged), at(t.onSite), at(t.resolved), t.outcome ?? null, at(t.followUpDue), at(t.followedUp), at(t.closed),
      ],
    );
    for (const [chain, step, round, minutes] of t.escalations ?? []) {
      await db.query(`INSERT INTO ticket_audit (ticket_id, at, actor, action, details) VALUES ($1, $2, 'system', 'escalated', $3::jsonb)`, [
        id,
        at(minutes),
        JSON.stringify({ chain, step, round, audience: 'supervisor', recipients: [] }),
      ]);
    }
  }
  return ids;
}

const DAY = 24 * 60;

/**
 * November 2026 in estate e1 (Asia/Shanghai), seen at 2026-11-30 12:00 local. Ack deadline 10 min
 * and on-site deadline 30 min after opening unless said. The test states what each one counts as.
 */
export const NOVEMBER: readonly SeededTicket[] = [
  // T1: opened 00:10 on Nov 1 local = 16:10 UTC on Oct 31 (in the period only in the estate's zone); raised 2 min before:
  // ack 6 min from the raise (360 s), on site 22 min (1320 s), both in time; follow-up made early, closed with it.
  { label: 'T1', estateId: 'e1', type: 'care_visit', rule: 'inactivity', status: 'closed', opened: '2026-11-01 00:10', raised: -2, ackDue: 10, onSiteDue: 30,
    acknowledged: 4, onSite: 20, resolved: 40, outcome: 'resident_well', followUpDue: 40 + DAY, followedUp: 40 + DAY - 20, closed: 40 + DAY - 20 },
  // T2: late on both (ack 15 > 10: 900 s; on site 45 > 30: 2700 s); a false alarm, closed; escalated on both chains (and one renotification).
  { label: 'T2', estateId: 'e1', type: 'care_visit', rule: 'inactivity', status: 'closed', opened: '2026-11-03 09:00', ackDue: 10, onSiteDue: 30,
    acknowledged: 15, onSite: 45, resolved: 60, outcome: 'false_alarm', closed: 60,
    escalations: [['ack', 0, 0, 10], ['ack', 0, 1, 20], ['on_site', 0, 0, 30]] },
  // T3: raised a minute after opening (the SLA starts at opening): ack 480 s, on site 1500 s, in time; its follow-up fell due
  // Nov 6 14:50 and was never made; escalated twice on the follow-up chain; a supervisor force-closed it on Nov 7.
  { label: 'T3', estateId: 'e1', type: 'care_visit', rule: 'inactivity', status: 'closed', opened: '2026-11-05 14:00', raised: 1, ackDue: 10, onSiteDue: 30,
    acknowledged: 8, onSite: 25, resolved: 50, outcome: 'assistance_given', followUpDue: 50 + DAY, closed: 20 * 60 + DAY,
    escalations: [['follow_up', 0, 0, 50 + DAY], ['follow_up', 1, 0, 110 + DAY]] },
  // T4: marked a false alarm 5 minutes after opening, before any deadline, never acknowledged: counts for neither deadline.
  { label: 'T4', estateId: 'e1', type: 'care_visit', rule: 'night_out', status: 'closed', opened: '2026-11-10 02:00', raised: -5, ackDue: 10, onSiteDue: 30,
    resolved: 5, outcome: 'false_alarm', closed: 5 },
  // T5: nobody ever answered: late on both deadlines, still assigned; both chains escalated to step 2.
  { label: 'T5', estateId: 'e1', type: 'care_visit', rule: 'night_out', status: 'assigned', opened: '2026-11-12 22:00', ackDue: 10, onSiteDue: 30,
    escalations: [['ack', 0, 0, 10], ['ack', 1, 0, 25], ['ack', 1, 1, 55], ['on_site', 0, 0, 30], ['on_site', 1, 0, 60]] },
  // T6: a lift entrapment raised 2 min before opening; ack at 3 (deadline 5): 300 s in time; on site at 35 (deadline 30): 2220 s, late.
  { label: 'T6', estateId: 'e1', type: 'lift_entrapment', rule: 'lift_entrapment', status: 'closed', opened: '2026-11-15 08:00', raised: -2, ackDue: 5, onSiteDue: 30,
    acknowledged: 3, onSite: 35, resolved: 60, outcome: 'passengers_released', closed: 60,
    escalations: [['on_site', 0, 0, 30]] },
  // T10: a leak: ack 120 s, on site 600 s, in time; follow-up due Nov 21 16:30, made half an hour late (still made), closed then.
  { label: 'T10', estateId: 'e1', type: 'water_leak', rule: 'leak', status: 'closed', opened: '2026-11-20 16:00', ackDue: 10, onSiteDue: 30,
    acknowledged: 2, onSite: 10, resolved: 30, outcome: 'repaired', followUpDue: 30 + DAY, followedUp: 60 + DAY, closed: 60 + DAY },
  // T11: ack 300 s, on site 1200 s, in time; resolved; its follow-up is due Nov 30 12:40, after "now": not yet counted.
  { label: 'T11', estateId: 'e1', type: 'care_visit', rule: 'inactivity', status: 'resolved', opened: '2026-11-29 12:00', ackDue: 10, onSiteDue: 30,
    acknowledged: 5, onSite: 20, resolved: 40, outcome: 'resident_well', followUpDue: 40 + DAY },
  // T7: acknowledged late (12 > 10: 720 s); on hold, its on-site deadline moved to 13:00, after "now": not yet counted.
  { label: 'T7', estateId: 'e1', type: 'care_visit', rule: 'inactivity', status: 'on_hold', opened: '2026-11-30 10:00', ackDue: 10, onSiteDue: 180,
    acknowledged: 12, escalations: [['ack', 0, 0, 10]] },
  // T8: opened 5 minutes before "now": both deadlines ahead, counted for neither.
  { label: 'T8', estateId: 'e1', type: 'care_visit', rule: 'inactivity', status: 'assigned', opened: '2026-11-30 11:55', ackDue: 10, onSiteDue: 30 },
  // T9: opened 23:30 on Oct 31 local, before the period; acknowledged late (escalated Oct 31, outside the period);
  // its follow-up fell due Nov 1 23:50 and was made early: it counts for the follow-up rate only.
  { label: 'T9', estateId: 'e1', type: 'care_visit', rule: 'inactivity', status: 'closed', opened: '2026-10-31 23:30', ackDue: 5, onSiteDue: 30,
    acknowledged: 8, onSite: 20, resolved: 20, outcome: 'resident_well', followUpDue: 20 + DAY, followedUp: 20 + DAY - 230, closed: 20 + DAY - 230,
    escalations: [['ack', 0, 0, 5]] },
  // T12: another estate's ticket in the period: never in e1's figures.
  { label: 'T12', estateId: 'e2', type: 'care_visit', rule: 'inactivity', status: 'closed', opened: '2026-11-03 10:00', ackDue: 10, onSiteDue: 30,
    acknowledged: 50, onSite: 90, resolved: 100, outcome: 'false_alarm', closed: 100, escalations: [['ack', 0, 0, 10]] },
];

/** "Now" for NOVEMBER: 2026-11-30 12:00 in Asia/Shanghai. */
export const NOVEMBER_AS_OF = shanghai('2026-11-30 12:00');
