import type { RoutineSummary } from '../../shared/contract/index.js';
import type { Clock } from '../../shared/time/clock.js';
import { demand, requireEstate } from '../access/access-scope.js';
import type { Caller } from '../access/caller.js';
import type { ReadContext } from '../audit/audit-entry.js';
import { AuditRepository } from '../audit/audit-repository.js';
import type { SqlDatabase } from '../db/sql-database.js';
import type { HouseholdKey } from '../estates/household-records.js';
import { HouseholdRepository } from '../estates/household-repository.js';
import { notFound } from '../platform/app-error.js';
import { DEFAULT_TIME_ZONE, isKnownTimeZone, localDateTime } from '../platform/local-calendar.js';
import type { HouseholdActivityStore, StoredHouseholdActivity } from '../telemetry/household-activity-store.js';

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

/** One local hour of the picture: the aggregate the gateway sent for it. */
export interface ActivityHour {
  door_openings: number | null;
  water_l: number | null;
  energy_kwh: number | null;
  above_standby_min: number | null;
}

/** One local day: 24 hours, index = local hour, null where no aggregate came (not enrolled yet, gateway off). */
export interface ActivityDay {
  date: string;
  weekday: number;
  hours: Array<ActivityHour | null>;
}

export interface HouseholdActivityPicture {
  estateId: string;
  unitId: string;
  timeZone: string;
  days: ActivityDay[];
  /** The latest learned routine the gateway sent, and the hour it came with; null before any. */
  routine: RoutineSummary | null;
  routineAsOf: number | null;
}

/**
 * A household's last weeks of hourly activity as a day-by-hour picture in the estate's time zone,
 * with the learned routine beside it, for supervisors and estate managers (household.activity).
 * Scoped as every household read (a household the caller cannot see is not found) and written to
 * the audit log with its purpose, in the check's own transaction, before the aggregates are read.
 */
export class HouseholdActivityService {
  private readonly households = new HouseholdRepository();
  private readonly audit = new AuditRepository();

  constructor(
    private readonly db: SqlDatabase,
    private readonly store: Pick<HouseholdActivityStore, 'queryHouseholdActivity'>,
    private readonly clock: Clock,
  ) {}

  async picture(caller: Caller, key: HouseholdKey, weeks: number, context: ReadContext): Promise<HouseholdActivityPicture> {
    requireEstate(caller, key.estateId);
    const now = this.clock.now();
    const timeZone = await this.db.transaction(async (tx) => {
      const place = await this.households.place(tx, caller, key);
      if (!place) throw notFound('household', key.unitId);
      demand(caller, 'household.activity', { estateId: key.estateId, buildingId: place.buildingId });
      await this.audit.recordReads(tx, caller, now, 'household_activity_read', [key], context);
      const { rows } = await tx.query<{ time_zone: string }>('SELECT time_zone FROM estates WHERE id = $1', [key.estateId]);
      const zone = rows[0]?.time_zone ?? DEFAULT_TIME_ZONE;
      return isKnownTimeZone(zone) ? zone : DEFAULT_TIME_ZONE;
    });
    const dates = lastDates(now, weeks * 7, timeZone);
    // A day more than the dates on each side covers every offset a zone can have; hours outside the dates are left out.
    const hours = await this.store.queryHouseholdActivity({ estateId: key.estateId, householdId: key.unitId, from: now - (weeks * 7 + 1) * DAY_MS, to: now + HOUR_MS });
    return { estateId: key.estateId, unitId: key.unitId, timeZone, days: dayByHour(dates, hours, timeZone), ...latestRoutine(hours) };
  }
}

/** The local dates of the last `count` days, today included, oldest first. */
function lastDates(now: number, count: number, timeZone: string): Array<{ date: string; weekday: number }> {
  const dates: Array<{ date: string; weekday: number }> = [];
  for (let back = count - 1; back >= 0; back--) {
    const { date, weekday } = localDateTime(now - back * DAY_MS, timeZone);
    if (dates.at(-1)?.date !== date) dates.push({ date, weekday });
  }
  return dates;
}

function dayByHour(dates: ReadonlyArray<{ date: string; weekday: number }>, stored: readonly StoredHouseholdActivity[], timeZone: string): ActivityDay[] {
  const days = new Map(dates.map(({ date, weekday }) => [date, { date, weekday, hours: new Array<ActivityHour | null>(24).fill(null) }]));
  for (const hour of stored) {
    const local = localDateTime(Date.parse(hour.event_time), timeZone);
    const day = days.get(local.date);
    if (!day) continue;
    day.hours[Math.floor(local.minuteOfDay / 60)] = {
      door_openings: hour.door_openings,
      water_l: hour.water_l,
      energy_kwh: hour.energy_kwh,
      above_standby_min: hour.above_standby_min,
    };
  }
  return [...days.values()];
}

function latestRoutine(stored: readonly StoredHouseholdActivity[]): Pick<HouseholdActivityPicture, 'routine' | 'routineAsOf'> {
  const latest = stored.findLast((hour) => hour.routine !== undefined);
  return latest?.routine ? { routine: latest.routine, routineAsOf: Date.parse(latest.event_time) } : { routine: null, routineAsOf: null };
}
