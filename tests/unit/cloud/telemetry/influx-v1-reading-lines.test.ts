import { describe, expect, it } from 'vitest';
import type { ReadingItem } from '../../../../shared/contract/index.js';
import { pointsOf, readingPoint } from '../../../../cloud/telemetry/influx-series-layout.js';
import { v1LineProtocol } from '../../../../cloud/telemetry/influx-v1-line-protocol.js';
import { v1ReadingLines } from '../../../../cloud/telemetry/influx-v1-reading-lines.js';
import type { OriginItems } from '../../../../cloud/telemetry/telemetry-store.js';

const reading = (overrides: Partial<ReadingItem>): ReadingItem => ({
  id: 'r-1',
  device_id: 'meter-1',
  point: 'energy_total',
  value: 1234.5,
  unit: 'kWh',
  event_time: '2026-12-06T03:50:00.123Z',
  ...overrides,
});

describe('v1ReadingLines', () => {
  it('writes the lines v1LineProtocol writes of the readings’ points, escapes and numbers included', () => {
    const groups: OriginItems<ReadingItem>[] = [
      {
        origin: { gatewayId: 'gw 1,a=b', estateId: 'estate "one"', receivedAt: 1 },
        items: [
          reading({}),
          reading({ id: 'r "2" \\ x', device_id: 'meter 2,b=c', point: 'p,q r=s', value: 0, unit: 'm³' as ReadingItem['unit'] }),
          reading({ id: '门-3', device_id: '电表', value: -2.5e-7, event_time: '2026-12-06T03:50:01Z' }),
        ],
      },
      { origin: { gatewayId: 'gw-2', estateId: 'estate-2', receivedAt: 2 }, items: [] },
      { origin: { gatewayId: 'gw-3', estateId: 'estate-2', receivedAt: 3 }, items: [reading({ value: 1e21 }), reading({ value: 42 })] },
    ];
    const lines = v1ReadingLines(groups);
    expect(lines.equals(v1LineProtocol(pointsOf(groups, readingPoint)))).toBe(true);
    expect(lines.toString('utf8').split('\n')).toHaveLength(5);
  });

  it('stays the same over many lines, event times shared by neighbours or not', () => {
    const groups: OriginItems<ReadingItem>[] = Array.from({ length: 3 }, (_, message) => ({
      origin: { gatewayId: `gw-${message}`, estateId: 'estate-1', receivedAt: 1 },
      items: Array.from({ length: 70 }, (_, i) =>
        reading({ id: `r-${message}-${i}`, device_id: `meter-${i % 7}`, value: i / 3, event_time: `2026-12-06T03:50:0${Math.floor(i / 20)}.${String(i % 3).padStart(3, '0')}Z` }),
      ),
    }));
    const lines = v1ReadingLines(groups);
    expect(lines.equals(v1LineProtocol(pointsOf(groups, readingPoint)))).toBe(true);
    expect(lines.toString('utf8').split('\n')).toHaveLength(210);
  });

  it('writes nothing for groups without readings', () => {
    expect(v1ReadingLines([{ origin: { gatewayId: 'gw-1', estateId: 'e', receivedAt: 1 }, items: [] }]).byteLength).toBe(0);
  });
});
