import { describe, expect, it } from 'vitest';
import { CareRulesConfigSchema } from '../../../../../shared/contract/rules-config-care.js';
import { RulesConfigSchema } from '../../../../../shared/contract/rules-config.js';
import { WaterRulesConfigSchema } from '../../../../../shared/contract/rules-config-water.js';
import { CONSENT, enrolled } from '../../../../rules/care/harness.js';

const issues = (input: unknown) => {
  const parsed = CareRulesConfigSchema.safeParse(input);
  return parsed.success ? [] : parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
};

describe('care config', () => {
  it('refuses a household enrolled without a recorded consent (PIPL Art. 29), naming the field', () => {
    expect(issues({ households: [{ unit_id: 'hh-1' }] })).toEqual([
      "households.0.consent: care enrollment needs the resident's separate consent (PIPL Art. 29): consent { recorded_at, purpose }",
    ]);
    expect(issues({ households: [{ unit_id: 'hh-1', consent: { recorded_at: 'yesterday', purpose: '' } }] })).toHaveLength(2);
    // the config message as a whole is refused with the same path (edge/config-sync, cloud API)
    expect(RulesConfigSchema.safeParse({ care: { households: [{ unit_id: 'hh-1' }] } }).error?.issues[0]?.path).toEqual(['care', 'households', 0, 'consent']);
  });

  it('fills safe defaults for an enrolled household', () => {
    const [household] = CareRulesConfigSchema.parse({ households: [enrolled('hh-1')] }).households;
    expect(household).toEqual({
      unit_id: 'hh-1',
      consent: CONSENT,
      lives_alone: true,
      utc_offset_min: 480,
      inactivity: { day_from: '07:00', day_to: '23:00', day_limit_h: 6, night_limit_h: 12, learn_quiet: true, max_learned_extra_h: 3 },
      morning_check: {
        enabled: true,
        margin_min: 120,
        default_first_activity: '08:00',
        min_history_days: 14,
        history_days: 28,
        day_starts_at: '04:00',
        by_kind_of_day: true,
        min_days_per_kind: 4,
        learning_margin_min: 60,
        latest_check: '11:30',
      },
      standby_power_w: 300,
      signals: { door: true, water: true, electricity: true, gate: true },
      away_periods: [],
      gate: { away_after_min: 50 },
      visits: [],
      decline: { enabled: true, share: 0.5, min_history_days: 10, review_at: '14:00' },
      door_watch: { enabled: true, gate_match_min: 15, quiet_days: 3 },
      credential_refs: [],
    });
    expect(CareRulesConfigSchema.parse(undefined)).toEqual({ households: [] });
  });

  it('refuses limits that contradict themselves', () => {
    expect(issues({ households: [enrolled('hh-1', { inactivity: { day_limit_h: 14 } })] })).toEqual([
      'households.0.inactivity.night_limit_h: the night limit covers quiet that takes in the night: it must not be shorter than the day limit',
    ]);
    expect(issues({ households: [enrolled('hh-1', { inactivity: { day_from: '22:00', day_to: '07:00' } })] })).toEqual(['households.0.inactivity.day_to: day_from must be before day_to']);
    expect(issues({ households: [enrolled('hh-1', { morning_check: { default_first_activity: '8:00' } })] })[0]).toMatch(/morning_check.default_first_activity: a local time of day/);
    expect(issues({ households: [enrolled('hh-1', { morning_check: { min_history_days: 30 } })] })).toEqual(['households.0.morning_check.min_history_days: min_history_days must not exceed history_days']);
    expect(issues({ households: [enrolled('hh-1', { away_periods: [{ from: '2026-03-05T00:00:00+08:00', to: '2026-03-04T00:00:00+08:00', reason: 'travel' }] })] })).toEqual([
      'households.0.away_periods.0.to: from must be before to',
    ]);
    expect(issues({ households: [enrolled('hh-1', { visits: [{ from: '11:00', to: '10:00', who: 'carer' }] })] })).toEqual(['households.0.visits.0.to: from must be before to (same day)']);
    expect(issues({ households: [enrolled('hh-1'), enrolled('hh-1')] })).toEqual(['households: each unit_id once']);
  });
});

describe('water config', () => {
  it('watches every household meter with the Longgang slots and the Liaocheng daily volume by default', () => {
    expect(WaterRulesConfigSchema.parse(undefined)).toEqual({
      utc_offset_min: 480,
      unit_defaults: { continuous_flow: { enabled: true, slot_min: 30, hours: 12, min_litres_per_slot: 0 }, daily_volume: { enabled: true, max_litres: 1000 } },
      subjects: [],
    });
  });

  it('takes limits per subject and refuses slots that do not divide the day', () => {
    const config = WaterRulesConfigSchema.parse({ subjects: [{ kind: 'asset', id: 'main-b1', continuous_flow: { hours: 24, min_litres_per_slot: 200 }, daily_volume: { max_litres: 80_000 } }] });
    expect(config.subjects[0]).toMatchObject({ kind: 'asset', id: 'main-b1', continuous_flow: { slot_min: 30, hours: 24, min_litres_per_slot: 200 }, daily_volume: { max_litres: 80_000 } });
    const bad = WaterRulesConfigSchema.safeParse({ unit_defaults: { continuous_flow: { slot_min: 7 } } });
    expect(bad.error?.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`)).toEqual(['unit_defaults.continuous_flow.slot_min: slots must divide the day (e.g. 15, 30, 60)']);
  });
});
