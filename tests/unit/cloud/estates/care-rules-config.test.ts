import { describe, expect, it } from 'vitest';
import { careRulesConfigOf } from '../../../../cloud/estates/care-rules-config.js';
import type { CareSource } from '../../../../cloud/estates/household-records.js';
import { maskPhone } from '../../../../cloud/estates/phone-mask.js';
import { CareRulesConfigSchema } from '../../../../shared/contract/rules-config-care.js';

const NOW = Date.parse('2026-11-24T08:00:00Z');
const household = (unitId: string, overrides: Partial<CareSource> = {}): CareSource => ({
  unitId,
  livesAlone: true,
  settings: {},
  consent: { givenAt: Date.parse('2026-11-20T02:00:00Z'), scope: 'activity watched for long quiet' },
  carers: [],
  awayPeriods: [],
  ...overrides,
});

describe('the care section derived from households', () => {
  it('holds every household with a consent in force, by unit id, on the contract\'s defaults where nothing was set', () => {
    const care = careRulesConfigOf([household('hh-2'), household('hh-9', { consent: null }), household('hh-1')], NOW);
    expect(care).toEqual(CareRulesConfigSchema.parse({
      households: ['hh-1', 'hh-2'].map((unit_id) => ({ unit_id, consent: { recorded_at: '2026-11-20T02:00:00.000Z', purpose: 'activity watched for long quiet' } })),
    }));
  });

  it('takes settings, all carers\' visits, and away periods that have not ended (earliest first, at most 100)', () => {
    const awayPeriods = Array.from({ length: 120 }, (_, i) => ({ from: NOW + (120 - i) * 3_600_000, to: NOW + (121 - i) * 3_600_000, reason: 'travel' as const }));
    const [entry] = careRulesConfigOf(
      [
        household('hh-1', {
          livesAlone: false,
          settings: { standby_power_w: 450, signals: { gate: false } },
          carers: [
            { visits: [{ weekdays: [1], from: '09:00', to: '10:00', who: 'carer' }] },
            { visits: [{ weekdays: [6, 7], from: '15:00', to: '17:00', who: 'visitor' }] },
          ],
          awayPeriods: [{ from: NOW - 7_200_000, to: NOW, reason: 'hospital' }, ...awayPeriods],
        }),
      ],
      NOW,
    ).households;
    expect(entry).toMatchObject({ lives_alone: false, standby_power_w: 450, signals: { gate: false, door: true } });
    expect(entry!.visits.map((v) => v.who)).toEqual(['carer', 'visitor']);
    expect(entry!.away_periods).toHaveLength(100);
    expect(entry!.away_periods[0]!.from).toBe(new Date(NOW + 3_600_000).toISOString());
  });

  it('the same records and instant give the same section', () => {
    const records = [household('hh-1'), household('hh-2')];
    expect(JSON.stringify(careRulesConfigOf(records, NOW))).toBe(JSON.stringify(careRulesConfigOf([...records].reverse(), NOW)));
  });
});

describe('maskPhone', () => {
  it('shows the first 3 and last 4 characters of a full number, the last 2 of a short one', () => {
    expect(maskPhone('13812341111')).toBe('138****1111');
    expect(maskPhone('+8613812341111')).toBe('+86*******1111');
    expect(maskPhone('02112345678')).toBe('021****5678');
    expect(maskPhone('12345678')).toBe('******78');
  });
});
