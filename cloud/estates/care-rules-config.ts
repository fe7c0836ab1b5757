import { toWireTime } from '../../shared/contract/identifiers.js';
import { CareRulesConfigSchema, type CareRulesConfig } from '../../shared/contract/rules-config-care.js';
import type { CareSource } from './household-records.js';

/** The gateway contract takes at most this many away periods per household (rules-config-care.ts). */
const MAX_AWAY_PERIODS = 100;

/**
 * The care section of a gateway's rules config, derived from the households' records: every
 * household with a consent in force, by unit id, with its settings (the contract's defaults for
 * what was never set), the visit windows of all its carers, and its away periods that have not
 * ended by now (the earliest 100). A household whose consent was withdrawn is left out, which
 * stops its care rule on the gateway and deletes that rule's state there. Pure: the same records
 * and instant give the same section.
 */
export function careRulesConfigOf(households: readonly CareSource[], now: number): CareRulesConfig {
  const enrolled = households.filter((household) => household.consent !== null).sort((a, b) => a.unitId.localeCompare(b.unitId));
  return CareRulesConfigSchema.parse({
    households: enrolled.map((household) => ({
      ...household.settings,
      unit_id: household.unitId,
      consent: { recorded_at: toWireTime(household.consent!.givenAt), purpose: household.consent!.scope },
      lives_alone: household.livesAlone,
      visits: household.carers.flatMap((carer) => carer.visits),
      away_periods: household.awayPeriods
        .filter((period) => period.to > now)
        .sort((a, b) => a.from - b.from)
        .slice(0, MAX_AWAY_PERIODS)
        .map((period) => ({ from: toWireTime(period.from), to: toWireTime(period.to), reason: period.reason })),
    })),
  });
}
