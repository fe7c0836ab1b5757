import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../shared/time/clock.js';
import { KpiService } from '../../cloud/kpis/kpi-service.js';
import { notificationDeliveryRate } from '../../cloud/kpis/notification-delivery-rate.js';
import type { KpiFigures } from '../../cloud/kpis/kpi-figures.js';
import { SQL_BACKENDS, type OpenedSqlDatabase } from '../support/sql-backends.js';
import { NOVEMBER, NOVEMBER_AS_OF, seedEstate, seedTickets } from './seeded-tickets.js';

const share = (count: number, of: number) => ({ count, of, rate: count / of });

/**
 * The KPIs of a seeded month equal the figures worked out by hand below from NOVEMBER
 * (seeded-tickets.ts says what each ticket did), on PostgreSQL and PGlite alike.
 */
describe.each(SQL_BACKENDS)('KPIs of a seeded month ($name)', (backend) => {
  let opened: OpenedSqlDatabase;
  let kpis: KpiService;

  beforeAll(async () => {
    opened = await backend.open();
    await seedEstate(opened.db, 'e1');
    await seedEstate(opened.db, 'e2');
    await seedTickets(opened.db, NOVEMBER);
    kpis = new KpiService(opened.db, new ManualClock(NOVEMBER_AS_OF), notificationDeliveryRate);
  }, 60_000);

  afterAll(async () => {
    await opened?.cleanup();
  });

  it('totals over every category: each figure as worked out by hand', async () => {
    const report = await kpis.report({ estateId: 'e1', from: '2026-11-01', to: '2026-11-30', category: null, bucket: 'week' });
    expect(report.timeZone).toBe('Asia/Shanghai');
    expect(report.asOf).toBe(NOVEMBER_AS_OF);
    const expected: KpiFigures = {
      // T1 T2 T3 T4 T5 T6 T7 T8 T10 T11 = 10 (T9 opened Oct 31 local, T12 is e2's).
      opened: 10,
      // Counted: the 7 acknowledged (T1 T2 T3 T6 T7 T10 T11) + T5 (deadline passed, never answered) = 8; not T4 (a false
      // alarm before its deadline), not T8 (deadline ahead). In time: T1 T3 T6 T10 T11 = 5 (T2, T7, T5 late).
      acknowledgedInTime: share(5, 8),
      // Counted: the 6 on site (T1 T2 T3 T6 T10 T11) + T5 = 7; not T4, not T7 (held to 13:00), not T8. In time: T1 T3 T10 T11 = 4.
      onSiteInTime: share(4, 7),
      // 120 300 300 360 480 720 900 s (T10 T6 T11 T1 T3 T7 T2): median the 4th = 360;
      // p90 at rank 0.9 x 6 = 5.4: 720 + 0.4 x (900 - 720) = 792.
      timeToAcknowledge: { count: 7, medianS: 360, p90S: 792 },
      // 600 1200 1320 1500 2220 2700 s (T10 T11 T1 T3 T6 T2): median at rank 2.5: (1320 + 1500) / 2 = 1410;
      // p90 at rank 0.9 x 5 = 4.5: (2220 + 2700) / 2 = 2460.
      timeToArrive: { count: 6, medianS: 1410, p90S: 2460 },
      // Closed: T1 T2 T3 T4 T6 T10 = 6 of the 10 opened (T5 T7 T8 T11 still open).
      closure: share(6, 10),
      // Due in November by now: T9 (Nov 1), T1 (Nov 2), T3 (Nov 6), T10 (Nov 21) = 4; T11's is due after now.
      // Made: T9 T1 T10 = 3 (T3 force-closed without the call).
      followUp: share(3, 4),
      // Resolved: T1 T2 T3 T4 T6 T10 T11 = 7; false alarms T2 T4 = 2.
      falseAlarms: share(2, 7),
      // Round 0 entries in November: T2 ack, on_site (2); T5 ack x2, on_site x2 (4); T3 follow_up x2 (2); T6 on_site (1);
      // T7 ack (1) = 10. Not T2's and T5's renotifications (round 1), not T9's (Oct 31), not T12's (e2).
      escalations: 10,
    };
    expect(report.totals).toEqual(expected);
    // Per rule, of the resolved: night_out T4 1/1; inactivity T2 of T1 T2 T3 T11 = 1/4; leak 0/1, lift_entrapment 0/1.
    expect(report.falseAlarmsByRule).toEqual([
      { rule: 'night_out', falseAlarms: share(1, 1) },
      { rule: 'inactivity', falseAlarms: share(1, 4) },
      { rule: 'leak', falseAlarms: share(0, 1) },
      { rule: 'lift_entrapment', falseAlarms: share(0, 1) },
    ]);
    // Steps from 1: ack step 1 (T2 T5 T7), step 2 (T5); on_site step 1 (T2 T5 T6), step 2 (T5); follow_up steps 1 and 2 (T3).
    expect(report.escalationsBySteps).toEqual([
      { chain: 'ack', step: 1, count: 3 },
      { chain: 'ack', step: 2, count: 1 },
      { chain: 'on_site', step: 1, count: 3 },
      { chain: 'on_site', step: 2, count: 1 },
      { chain: 'follow_up', step: 1, count: 1 },
      { chain: 'follow_up', step: 2, count: 1 },
    ]);
    // The seeded month sent no notification to a channel: nothing attempted, no rate.
    expect(report.notificationDelivery).toEqual({ count: 0, of: 0, rate: null });
  });

  it('week buckets named by their Monday, in the estate zone: Nov 1 2026 is a Sunday, so the first week is Oct 26', async () => {
    const report = await kpis.report({ estateId: 'e1', from: '2026-11-01', to: '2026-11-30', category: null, bucket: 'week' });
    expect(report.buckets.map((b) => b.start)).toEqual(['2026-10-26', '2026-11-02', '2026-11-09', '2026-11-16', '2026-11-23', '2026-11-30']);
    // Opened: T1 | T2 T3 | T4 T5 T6 | T10 | T11 | T7 T8.
    expect(report.buckets.map((b) => b.figures.opened)).toEqual([1, 2, 3, 1, 1, 2]);
    // Follow-ups by due day: T9 (Nov 1) | T1 (Nov 2 01:10) made, T3 not | - | T10 | - | T11 not yet due.
    expect(report.buckets.map((b) => [b.figures.followUp.count, b.figures.followUp.of])).toEqual([[1, 1], [1, 2], [0, 0], [1, 1], [0, 0], [0, 0]]);
    // Escalations by day taken: T2 2 + T3 2 | T5 4 + T6 1 | T7 1.
    expect(report.buckets.map((b) => b.figures.escalations)).toEqual([0, 4, 5, 0, 0, 1]);
    // Week of Nov 9: ack counted T5 (late) and T6 (in time), not T4.
    expect(report.buckets[2]!.figures.acknowledgedInTime).toEqual(share(1, 2));
    const sum = (pick: (f: KpiFigures) => number) => report.buckets.reduce((total, b) => total + pick(b.figures), 0);
    expect(sum((f) => f.opened)).toBe(report.totals.opened);
    expect(sum((f) => f.closure.count)).toBe(report.totals.closure.count);
    expect(sum((f) => f.escalations)).toBe(report.totals.escalations);
  });

  it('day buckets: every day of the period, T1 on Nov 1 (16:10 UTC on Oct 31), empty days with nothing to count', async () => {
    const report = await kpis.report({ estateId: 'e1', from: '2026-11-01', to: '2026-11-30', category: null, bucket: 'day' });
    expect(report.buckets).toHaveLength(30);
    const day = (date: string) => report.buckets.find((b) => b.start === date)!.figures;
    expect(day('2026-11-01').opened).toBe(1);
    expect(day('2026-11-01').timeToAcknowledge).toEqual({ count: 1, medianS: 360, p90S: 360 });
    expect(day('2026-11-02')).toMatchObject({ opened: 0, acknowledgedInTime: { count: 0, of: 0, rate: null }, timeToAcknowledge: { count: 0, medianS: null, p90S: null } });
    // T7 and T8 on Nov 30: T7 acknowledged late, T8 not yet due.
    expect(day('2026-11-30')).toMatchObject({ opened: 2, acknowledgedInTime: share(0, 1), onSiteInTime: { count: 0, of: 0, rate: null } });
  });

  it('one category: care visits only', async () => {
    const report = await kpis.report({ estateId: 'e1', from: '2026-11-01', to: '2026-11-30', category: 'care_visit', bucket: 'week' });
    // T1 T2 T3 T4 T5 T7 T8 T11 = 8. Ack counted: T1 T2 T3 T7 T11 + T5 = 6, in time T1 T3 T11 = 3.
    // Closed: T1 T2 T3 T4 = 4. Follow-ups due: T9 T1 T3 = 3, made T9 T1 = 2. Resolved: T1 T2 T3 T4 T11 = 5, false alarms 2.
    // Escalations: T2 2 + T3 2 + T5 4 + T7 1 = 9.
    expect(report.totals).toMatchObject({
      opened: 8,
      acknowledgedInTime: share(3, 6),
      closure: share(4, 8),
      followUp: share(2, 3),
      falseAlarms: share(2, 5),
      escalations: 9,
    });
    expect(report.falseAlarmsByRule.map((r) => r.rule)).toEqual(['night_out', 'inactivity']);
  });

  it('a period of one day with no tickets reads as nothing to count, not as 0 %', async () => {
    const report = await kpis.report({ estateId: 'e1', from: '2026-11-25', to: '2026-11-25', category: null, bucket: 'day' });
    expect(report.totals).toMatchObject({ opened: 0, closure: { count: 0, of: 0, rate: null }, escalations: 0 });
    expect(report.buckets.map((b) => b.start)).toEqual(['2026-11-25']);
    expect(report.falseAlarmsByRule).toEqual([]);
    expect(report.escalationsBySteps).toEqual([]);
  });

  it('follows the estate\'s own time zone: in UTC, a ticket opened 23:00 UTC on Nov 30 (Dec 1 in Shanghai) is November\'s', async () => {
    await opened.db.query(`UPDATE estates SET time_zone = 'UTC' WHERE id = 'e2'`);
    await seedTickets(opened.db, [
      { label: 'U1', estateId: 'e2', type: 'care_visit', rule: 'inactivity', status: 'assigned', opened: '2026-12-01 07:00', ackDue: 10, onSiteDue: 30 },
    ]);
    // e2 in UTC: T12 (Nov 3 02:00 UTC) and U1 (Nov 30 23:00 UTC, Dec 1 07:00 in Shanghai) are both November.
    const report = await kpis.report({ estateId: 'e2', from: '2026-11-01', to: '2026-11-30', category: null, bucket: 'day' });
    expect(report.timeZone).toBe('UTC');
    expect(report.totals.opened).toBe(2);
    expect(report.buckets.find((b) => b.start === '2026-11-30')!.figures.opened).toBe(1);
  });

  it('an unknown estate is not found', async () => {
    await expect(kpis.report({ estateId: 'nowhere', from: '2026-11-01', to: '2026-11-30', category: null, bucket: 'day' })).rejects.toMatchObject({ kind: 'not_found' });
  });
});
