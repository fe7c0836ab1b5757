import type { EngineInput } from '../../rules/engine/engine-input.js';
import { inputTime } from '../../rules/engine/engine-input.js';
import type { DeviceInfo } from '../../rules/rule.js';
import { renderPower, type MinuteSpan } from './automatic-loads.js';
import { liveDays, type AwaySpan, type LivedDays } from './daily-life.js';
import { streamRandom } from './draw.js';
import type { DeadDevice, EstatePlan, PlannedHousehold } from './estate-plan.js';
import { GATE_READER, householdDevices, HouseholdSignals, type HouseholdDevices } from './household-signals.js';
import { clock, MIN_PER_DAY, MS_PER_MIN, type SimCalendar } from './sim-time.js';

export interface SimulatedHousehold {
  planned: PlannedHousehold;
  lived: LivedDays;
  devices: HouseholdDevices;
  signals: HouseholdSignals;
  /** Every absence, the hospital stay after a fall included. */
  away: AwaySpan[];
}

export interface SimulatedEstate {
  plan: EstatePlan;
  cal: SimCalendar;
  households: SimulatedHousehold[];
  devices: DeviceInfo[];
  /** The care profiles as the staff keep them (rules config input), and when they change. */
  configChanges: Array<{ minute: number; config: unknown }>;
}

/** The consent every simulated household recorded at enrollment. */
const CONSENT = { recorded_at: '2025-12-20T10:00:00+08:00', purpose: '独居老人关怀 / care visits from door, water and electricity activity' };

/** Lives every household of the plan and prepares what its devices will send (household-signals.ts). */
export function simulateEstate(plan: EstatePlan): SimulatedEstate {
  const households = plan.households.map((planned): SimulatedHousehold => {
    const lived = liveDays(plan.cal.days, planned.resident, planned.home, planned.schedule, streamRandom(plan.seed, planned.index, 'life'));
    const power = renderPower(planned.home, lived.life, streamRandom(plan.seed, planned.index, 'power'), plan.powerCuts);
    const devices = householdDevices(planned.unitId);
    const dead = (role: DeadDevice['role']): MinuteSpan[] => plan.deadDevices.filter((d) => d.unitId === planned.unitId && d.role === role);
    const signals = new HouseholdSignals({
      cal: plan.cal,
      devices,
      life: lived.life,
      power,
      waterStepL: planned.home.waterStepL,
      doorHeartbeatMin: planned.home.doorHeartbeatMin,
      cardRef: planned.cardRef,
      // The electricity meters have no mains in a power cut; the water meters run on batteries.
      silent: { water: dead('water'), power: [...dead('electricity'), ...plan.powerCuts], door: dead('door') },
      phaseS: (planned.index * 17) % 290,
      random: streamRandom(plan.seed, planned.index, 'signals'),
    });
    const away = [...planned.schedule.away, ...(lived.hospital ? [lived.hospital] : [])].sort((a, b) => a.from - b.from);
    return { planned, lived, devices, signals, away };
  });
  const devices = [GATE_READER, ...households.flatMap((household) => [household.devices.door, household.devices.water, household.devices.power])];
  const registrations = [...new Set([0, ...households.flatMap((household) => household.away.flatMap((span) => (span.registered && span.registered.at > 0 ? [span.registered.at] : [])))])].sort((a, b) => a - b);
  const configChanges = registrations.map((minute) => ({ minute, config: careConfig(plan.cal, households, minute) }));
  return { plan, cal: plan.cal, households, devices, configChanges };
}

/** Every household's inputs of one day, in event-time order (availability, then events, then readings at one instant). */
export function estateInputsOfDay(estate: SimulatedEstate, day: number): EngineInput[] {
  const order: Record<EngineInput['kind'], number> = { availability: 0, event: 1, readings: 2, tick: 3 };
  return estate.households
    .flatMap((household) => household.signals.inputsOfDay(day))
    .map((input) => ({ input, time: inputTime(input) }))
    .sort((a, b) => a.time - b.time || order[a.input.kind] - order[b.input.kind])
    .map((item) => item.input);
}

/** The rules config as the staff keep it at `minute`: enrollments, registered carers and absences. */
function careConfig(cal: SimCalendar, households: readonly SimulatedHousehold[], minute: number): unknown {
  const iso = (m: number) => new Date(cal.startMs + m * MS_PER_MIN).toISOString();
  return {
    care: {
      households: households.map(({ planned, away }) => ({
        unit_id: planned.unitId,
        consent: CONSENT,
        lives_alone: true,
        morning_check: { default_first_activity: clock(planned.resident.statedWakeMin) },
        credential_refs: [planned.cardRef],
        ...(planned.registeredCarer
          ? { visits: [{ weekdays: [...planned.registeredCarer.weekdays], from: clock(planned.registeredCarer.from), to: clock(planned.registeredCarer.to), who: 'carer' }] }
          : {}),
        away_periods: away.flatMap((span) =>
          span.registered && span.registered.at <= minute ? [{ from: iso(span.registered.from), to: iso(span.registered.to), reason: span.reason === 'hospital' ? 'hospital' : 'travel' }] : [],
        ),
      })),
    },
  };
}

export function estateEndMs(cal: SimCalendar): number {
  return cal.startMs + cal.days * MIN_PER_DAY * MS_PER_MIN;
}
