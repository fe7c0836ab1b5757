import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../shared/time/clock.js';
import { silentLogger } from '../../shared/log/logger.js';
import { migrate } from '../../cloud/db/migrate.js';
import { openDatabase } from '../../cloud/db/open-database.js';
import type { SqlDatabase } from '../../cloud/db/sql-database.js';
import { buildKpis, type KpiModule } from '../../cloud/kpis/build-kpis.js';
import type { DigestNotice, EnqueueDigest } from '../../cloud/kpis/daily-digest-job.js';
import { createTestPostgresDatabase, type TestPostgresDatabase } from '../support/postgres.js';
import { staffToken } from '../support/staff-tokens.js';
import { NOVEMBER, seedEstate, seedTickets, shanghai } from './seeded-tickets.js';

/**
 * The daily digest at 08:00 Asia/Shanghai with two cloud instances (two connection pools, two
 * runners) on one PostgreSQL: sent once, not before 08:00, and again the next day.
 */
describe('daily digest across two instances', () => {
  let database: TestPostgresDatabase;
  const pools: SqlDatabase[] = [];
  const clock = new ManualClock(shanghai('2026-12-01 07:59'));
  const sent: DigestNotice[] = [];
  /** While set, instance A's enqueue waits for it: A holds its claim uncommitted. */
  let holdA: { reached: () => void; release: Promise<void> } | null = null;
  let failNext = false;
  let a: KpiModule;
  let b: KpiModule;
  let supervisorIds: string[];

  const enqueue =
    (instance: 'A' | 'B'): EnqueueDigest =>
    async (_tx, notice) => {
      if (failNext) {
        failNext = false;
        throw new Error('the queue refused it');
      }
      if (instance === 'A' && holdA) {
        holdA.reached();
        await holdA.release;
      }
      sent.push(notice);
    };

  const claimsIn = async (db: SqlDatabase) => (await db.query<{ job: string; run_key: string; instance: string }>('SELECT job, run_key, instance FROM job_runs ORDER BY run_key')).rows;

  beforeAll(async () => {
    database = await createTestPostgresDatabase();
    for (let i = 0; i < 2; i += 1) pools.push(await openDatabase({ url: database.url }));
    await migrate(pools[0]!);
    await seedEstate(pools[0]!, 'e1');
    await seedEstate(pools[0]!, 'e2');
    await seedTickets(pools[0]!, NOVEMBER);
    // Two supervisors of e1 and a housekeeper (not told); e2 has no supervisor.
    for (const role of ['supervisor', 'supervisor', 'housekeeper'] as const) await staffToken(pools[0]!, [{ estateId: 'e1', role }]);
    supervisorIds = (await pools[0]!.query<{ staff_id: string }>(`SELECT staff_id FROM staff_roles WHERE estate_id = 'e1' AND role = 'supervisor' ORDER BY staff_id`)).rows.map((r) => r.staff_id);
    a = buildKpis(pools[0]!, clock, silentLogger(), enqueue('A'), { instance: 'A' });
    b = buildKpis(pools[1]!, clock, silentLogger(), enqueue('B'), { instance: 'B' });
  }, 60_000);

  afterAll(async () => {
    for (const pool of pools) await pool.close();
    await database?.drop();
  });

  it('sends nothing at 07:59 local time', async () => {
    expect(await Promise.all([a.digestJob.tick(), b.digestJob.tick()])).toEqual([0, 0]);
    expect(sent).toEqual([]);
    expect(await claimsIn(pools[0]!)).toEqual([]);
  });

  it('at 08:00 sends yesterday\'s digest once: the second instance waits on the first one\'s claim and then finds it taken', async () => {
    clock.set(shanghai('2026-12-01 08:00'));
    let reached!: () => void;
    const aHolds = new Promise<void>((resolve) => (reached = resolve));
    let release!: () => void;
    holdA = { reached, release: new Promise<void>((resolve) => (release = resolve)) };

    const aTick = a.digestJob.tick();
    await aHolds; // A has inserted e1's claim and not committed
    const bTick = b.digestJob.tick();
    // B's insert of the same key waits on A's uncommitted row (a lock wait PostgreSQL reports).
    for (;;) {
      const { rows } = await pools[0]!.query<{ waiting: string }>(
        `SELECT count(*) AS waiting FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE 'INSERT INTO job_runs%'`,
      );
      if (Number(rows[0]!.waiting) === 1) break;
      await new Promise((resolve) => setImmediate(resolve));
    }
    release();
    holdA = null;
    const ran = await Promise.all([aTick, bTick]);

    // Two runs were due (e1, e2), each run by one instance; e1 by A, whose claim B waited on.
    expect(ran[0] + ran[1]).toBe(2);
    const claims = await claimsIn(pools[1]!);
    expect(claims.map((c) => c.run_key)).toEqual(['e1@2026-12-01', 'e2@2026-12-01']);
    expect(claims[0]!.instance).toBe('A');
    // e2 has no supervisor: its run is recorded, nothing sent.
    expect(sent).toHaveLength(1);
    const notice = sent[0]!;
    expect(notice).toMatchObject({ estateId: 'e1', day: '2026-11-30', recipientStaffIds: supervisorIds });
    // Nov 30 seen at Dec 1 08:00: T7 (acknowledged late, never arrived by 13:00) and T8 (never answered): both late on both
    // deadlines; T11's follow-up fell due Nov 30 12:40 and was not made; T7's ack escalation was taken that day.
    expect(notice.text.zh.split('\n')).toEqual([
      '【每日汇总】Estate e1 2026-11-30',
      '新工单 2 张，闭单率 0/2 (0.0%)（目标 98.0%）',
      '按时接单 0/2 (0.0%)；用时中位 12分钟，90% 在12分钟内',
      '按时到场 0/2 (0.0%)',
      '回访完成 0/1 (0.0%)',
      '误报 无',
      '升级 1 次：接单第1步 1 次',
      // No notification reached a channel of the estate that day (none is configured).
      '通知送达 无',
    ]);
    expect(notice.text.en.split('\n')[0]).toBe('Daily digest: Estate e1, 2026-11-30');
    expect(notice.text.en).toContain('Acknowledged in time 0/2 (0.0%); median 12 min, 90 % within 12 min');
  });

  it('sends nothing more that day', async () => {
    clock.set(shanghai('2026-12-01 08:30'));
    expect(await Promise.all([a.digestJob.tick(), b.digestJob.tick()])).toEqual([0, 0]);
    clock.set(shanghai('2026-12-01 23:59'));
    expect(await Promise.all([a.digestJob.tick(), b.digestJob.tick()])).toEqual([0, 0]);
    expect(sent).toHaveLength(1);
  });

  it('the next day: nothing at 07:59, once from 08:00; a run whose enqueue fails is not claimed and goes out at the next tick', async () => {
    clock.set(shanghai('2026-12-02 07:59'));
    expect(await Promise.all([a.digestJob.tick(), b.digestJob.tick()])).toEqual([0, 0]);
    clock.set(shanghai('2026-12-02 08:00'));
    failNext = true;
    // The first attempt at e1 fails and rolls its claim back; e2's run (nothing to send) is claimed.
    const first = await a.digestJob.tick();
    expect(first).toBe(1);
    expect((await claimsIn(pools[0]!)).map((c) => c.run_key)).not.toContain('e1@2026-12-02');
    clock.set(shanghai('2026-12-02 08:01'));
    const ran = await Promise.all([a.digestJob.tick(), b.digestJob.tick()]);
    expect(ran[0] + ran[1]).toBe(1);
    expect(sent.map((n) => `${n.estateId} ${n.day}`)).toEqual(['e1 2026-11-30', 'e1 2026-12-01']);
  });
});
