import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../shared/time/clock.js';
import { silentLogger } from '../../shared/log/logger.js';
import { WallClockJobRunner } from '../../cloud/platform/wall-clock-jobs.js';
import { RegistryRepository } from '../../cloud/registry/registry-repository.js';
import { SqlTicketRepository } from '../../cloud/tickets/sql-ticket-repository.js';
import { TicketService } from '../../cloud/tickets/ticket-service.js';
import { ClosedTicketRetention } from '../../cloud/tickets/closed-ticket-retention.js';
import { HouseholdActivityRetention } from '../../cloud/household-activity/household-activity-retention.js';
import { RetentionJob } from '../../cloud/telemetry/retention-job.js';
import { RetentionSettingsSchema } from '../../cloud/telemetry/retention-settings.js';
import { SqlTelemetryRetention } from '../../cloud/telemetry/sql-telemetry-retention.js';
import { SqlTelemetryStore } from '../../cloud/telemetry/sql-telemetry-store.js';
import { SQL_BACKENDS, type OpenedSqlDatabase } from '../support/sql-backends.js';
import { alertItem, eventItem, readingItem } from '../support/wire-fixtures.js';

const DAY = 86_400_000;
/** 03:00 on 2026-11-25 in Shanghai (UTC+8): half an hour before the nightly run. */
const BEFORE_RUN = Date.parse('2026-11-24T19:00:00Z');
const AFTER_RUN = Date.parse('2026-11-24T19:31:00Z');

for (const backend of SQL_BACKENDS) {
  describe(`nightly retention on the wall-clock jobs (${backend.name})`, () => {
    let opened: OpenedSqlDatabase;
    const clock = new ManualClock(BEFORE_RUN);
    const settings = RetentionSettingsSchema.parse({});
    let runners: WallClockJobRunner[];
    const ids: Record<string, string> = {};

    beforeAll(async () => {
      opened = await backend.open();
      const db = opened.db;
      const registry = new RegistryRepository(db);
      await registry.upsertEstate({ id: 'ret-estate', name: 'Retention Gardens' });
      await registry.upsertGateway({ id: 'gw-ret', estateId: 'ret-estate', name: 'gw' });
      const origin = { gatewayId: 'gw-ret', estateId: 'ret-estate', receivedAt: BEFORE_RUN };
      const telemetry = new SqlTelemetryStore(db);
      const old = readingItem({ at: AFTER_RUN - 31 * DAY });
      const recent = readingItem({ at: AFTER_RUN - 29 * DAY });
      await telemetry.writeReadings(origin, [old, recent]);
      await telemetry.writeEvents(origin, [eventItem({ at: AFTER_RUN - 31 * DAY }), eventItem({ at: AFTER_RUN - 29 * DAY })]);
      ids.recentReading = new Date(AFTER_RUN - 29 * DAY).toISOString();
      // A household's hours: one older than the raw readings' 30 days, one younger.
      const hour = (at: number) => {
        const start = new Date(Math.floor(at / 3_600_000) * 3_600_000).toISOString();
        return { id: `activity:hh-ret:${start}`, household_id: 'hh-ret', event_time: start, door_openings: 2, water_l: 10, energy_kwh: 0.2, above_standby_min: 12 };
      };
      await telemetry.writeHouseholdActivity(origin, [hour(AFTER_RUN - 31 * DAY), hour(AFTER_RUN - 29 * DAY)]);
      ids.recentHour = hour(AFTER_RUN - 29 * DAY).event_time;
      const tickets = new TicketService(new SqlTicketRepository(db), { clock });
      for (const name of ['closedLongAgo', 'closedRecently', 'openForYears']) {
        ids[name] = (await tickets.handleAlert(origin, alertItem({ category: 'lift_fault', rule: 'lift_fault', subject: { kind: 'asset', id: name.toLowerCase() }, at: AFTER_RUN - 4 * 365 * DAY }))).ticket.id;
      }
      const closeAt = async (id: string, at: number) => db.query(`UPDATE tickets SET status = 'closed', closed_at = $2::timestamptz WHERE id = $1`, [id, new Date(at).toISOString()]);
      await closeAt(ids.closedLongAgo!, AFTER_RUN - 1096 * DAY);
      await closeAt(ids.closedRecently!, AFTER_RUN - 1094 * DAY);
      await db.query(`INSERT INTO ticket_audit (ticket_id, at, actor, action, details) VALUES ($1, $2::timestamptz, 'system', 'closed', '{}'::jsonb)`, [ids.closedLongAgo, new Date(AFTER_RUN - 1096 * DAY).toISOString()]);
      // Two cloud instances, each with its own runner over the one database.
      runners = ['a', 'b'].map(
        (instance) =>
          new WallClockJobRunner(
            db,
            [new RetentionJob(settings, new SqlTelemetryRetention(db), [new ClosedTicketRetention(settings.closed_ticket_days), new HouseholdActivityRetention(settings)], silentLogger())],
            clock,
            silentLogger(),
            instance,
          ),
      );
    }, 120_000);

    afterAll(async () => {
      await opened?.cleanup();
    });

    const count = async (sql: string, params: unknown[] = []) => Number((await opened.db.query<{ n: string | number }>(sql, params)).rows[0]!.n);
    const tickBoth = async () => (await Promise.all(runners.map((runner) => runner.tick()))).reduce((sum, ran) => sum + ran, 0);

    it('does nothing before 03:30 in its zone', async () => {
      expect(await tickBoth()).toBe(0);
      expect(await count('SELECT count(*) AS n FROM readings')).toBe(2);
    });

    it("runs once across two instances after 03:30: raw telemetry past 30 days goes to hours, a household's hours past 30 days go, closed tickets past three years go", async () => {
      clock.set(AFTER_RUN);
      expect(await tickBoth()).toBe(1);
      const kept = await opened.db.query<{ event_time: Date }>('SELECT event_time FROM readings');
      expect(kept.rows.map((row) => new Date(row.event_time).toISOString())).toEqual([ids.recentReading]);
      expect(await count('SELECT count(*) AS n FROM events')).toBe(1);
      expect(await count('SELECT count(*) AS n FROM readings_hourly')).toBe(1);
      expect((await opened.db.query<{ id: string }>('SELECT id FROM tickets ORDER BY id')).rows.map((row) => row.id).sort()).toEqual([ids.closedRecently, ids.openForYears].sort());
      expect(await count('SELECT count(*) AS n FROM ticket_audit WHERE ticket_id = $1', [ids.closedLongAgo])).toBe(0);
      const hours = await opened.db.query<{ hour_start: Date }>('SELECT hour_start FROM household_activity');
      expect(hours.rows.map((row) => new Date(row.hour_start).toISOString())).toEqual([ids.recentHour]);
      expect((await opened.db.query('SELECT run_key FROM job_runs WHERE job = $1', ['telemetry_retention'])).rows).toEqual([{ run_key: 'retention@2026-11-25' }]);
      expect(await tickBoth()).toBe(0);
    });

    it('runs again the next night, and the reading that came of age goes then', async () => {
      clock.set(AFTER_RUN + 2 * DAY);
      expect(await tickBoth()).toBe(1);
      expect(await count('SELECT count(*) AS n FROM readings')).toBe(0);
      expect(await count('SELECT count(*) AS n FROM readings_hourly')).toBe(2);
    });
  });
}
