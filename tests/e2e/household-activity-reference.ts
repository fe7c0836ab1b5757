import type { EngineInput } from '../../edge/rules/engine/engine-input.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
/** A power level is held at most 15 minutes: what the gateway's aggregates are defined by (edge/household-activity/README.md). */
const HOLD_MS = 15 * MINUTE;

/** One hour of a household as the test works it out from the raw signals it sent. */
export interface ReferenceHour {
  door_openings: number;
  water_l: number | null;
  energy_kwh: number | null;
  above_standby_min: number | null;
}

interface Sample {
  at: number;
  value: number;
}

/**
 * The hourly aggregates of one household, worked out from the raw inputs a test fed its devices,
 * written from the definitions (door_opened events per hour; the advance of each counter between
 * consecutive samples, in the later sample's hour; the power of each sample held until the next,
 * at most 15 minutes, the minutes strictly above standby split over the hours), not from the
 * gateway's code: hours starting at `from`, `hours` of them, UTC+8 hours on the whole hour.
 */
export function referenceHours(inputs: readonly EngineInput[], devices: { door: string; water: string; power: string }, from: number, hours: number, standbyW: number): ReferenceHour[] {
  const result: ReferenceHour[] = Array.from({ length: hours }, () => ({ door_openings: 0, water_l: null, energy_kwh: null, above_standby_min: null }));
  const slot = (at: number) => Math.floor((at - from) / HOUR);
  const water: Sample[] = [];
  const energy: Sample[] = [];
  const power: Sample[] = [];
  for (const input of inputs) {
    if (input.kind === 'event' && input.item.device_id === devices.door && input.item.type === 'door_opened') {
      const index = slot(Date.parse(input.item.event_time));
      if (index >= 0 && index < hours) result[index]!.door_openings += 1;
    }
    if (input.kind !== 'readings') continue;
    const at = Date.parse(input.frame.event_time);
    for (const reading of input.frame.readings) {
      if (input.frame.device_id === devices.water && reading.point === 'current_volume') water.push({ at, value: reading.value * 1000 });
      if (input.frame.device_id === devices.power && reading.point === 'forward_active_energy') energy.push({ at, value: reading.value });
      if (input.frame.device_id === devices.power && reading.point === 'active_power') power.push({ at, value: reading.value * 1000 });
    }
  }
  const counted = (samples: Sample[], field: 'water_l' | 'energy_kwh') => {
    samples.forEach((sample, index) => {
      const hour = result[slot(sample.at)];
      if (!hour) return;
      const previous = samples[index - 1];
      const advance = previous && sample.value >= previous.value ? sample.value - previous.value : 0;
      hour[field] = (hour[field] ?? 0) + advance;
    });
  };
  counted(water, 'water_l');
  counted(energy, 'energy_kwh');
  power.forEach((sample, index) => {
    const hour = result[slot(sample.at)];
    if (hour) hour.above_standby_min ??= 0;
    if (sample.value <= standbyW) return;
    const next = power[index + 1];
    const heldUntil = Math.min(next ? next.at : Number.POSITIVE_INFINITY, sample.at + HOLD_MS);
    for (let index = Math.max(0, slot(sample.at)); index <= Math.min(hours - 1, slot(heldUntil - 1)); index++) {
      const start = from + index * HOUR;
      const overlap = Math.min(heldUntil, start + HOUR) - Math.max(sample.at, start);
      if (overlap > 0) result[index]!.above_standby_min = (result[index]!.above_standby_min ?? 0) + overlap / MINUTE;
    }
  });
  return result;
}
