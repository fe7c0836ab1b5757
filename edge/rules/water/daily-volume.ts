import { localDayNumber, localMidnight, MS_PER_DAY } from '../activity/local-time.js';
import { shareIn, type WaterInterval } from './water-interval.js';

/**
 * Water used in the local calendar day so far (Liaocheng calls above 1000 L in 24 h,
 * edge/rules/README.md). A counter that bridged a gap still counts (the water was used), shared by
 * time between days when the gap spans midnight; an interval not known at all is left out, so the
 * total is a lower bound: enough to say "above the limit", never a false one.
 */
export interface DayVolume {
  day: number;
  litres: number;
}

export function addToDay(previous: DayVolume | undefined, interval: WaterInterval, utcOffsetMin: number): DayVolume {
  const day = localDayNumber(interval.to - 1, utcOffsetMin);
  const record = previous?.day === day ? previous : { day, litres: 0 };
  const { from, litres } = interval;
  if (from === undefined || litres === undefined) return record;
  const start = localMidnight(day, utcOffsetMin);
  return { day, litres: record.litres + shareIn(from, interval.to, litres, start, start + MS_PER_DAY) };
}
