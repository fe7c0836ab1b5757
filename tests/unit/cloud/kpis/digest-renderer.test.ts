import { describe, expect, it } from 'vitest';
import { renderDigest } from '../../../../cloud/kpis/digest-renderer.js';
import { emptyFigures, share, type KpiFigures } from '../../../../cloud/kpis/kpi-figures.js';
import type { KpiReport } from '../../../../cloud/kpis/kpi-service.js';

function reportOf(totals: KpiFigures, extra: Partial<KpiReport> = {}): KpiReport {
  return {
    query: { estateId: 'sunrise', from: '2026-11-30', to: '2026-11-30', category: null, bucket: 'day' },
    timeZone: 'Asia/Shanghai',
    asOf: Date.parse('2026-12-01T00:00:00Z'),
    totals,
    buckets: [{ start: '2026-11-30', figures: totals }],
    falseAlarmsByRule: [],
    escalationsBySteps: [],
    notificationDelivery: null,
    ...extra,
  };
}

describe('daily digest words', () => {
  it('a busy day in Chinese and English: rates with their counts, times in minutes and hours, the worst rule, steps', () => {
    const totals: KpiFigures = {
      opened: 12,
      acknowledgedInTime: share(9, 10),
      onSiteInTime: share(7, 8),
      timeToAcknowledge: { count: 10, medianS: 240, p90S: 750 },
      timeToArrive: { count: 8, medianS: 45, p90S: 3900 },
      closure: share(11, 12),
      followUp: share(3, 4),
      falseAlarms: share(2, 9),
      escalations: 3,
    };
    const text = renderDigest({
      estateName: '阳光花园',
      day: '2026-11-30',
      report: reportOf(totals, {
        falseAlarmsByRule: [
          { rule: 'night_out', falseAlarms: share(2, 3) },
          { rule: 'inactivity', falseAlarms: share(0, 6) },
        ],
        escalationsBySteps: [
          { chain: 'ack', step: 1, count: 2 },
          { chain: 'on_site', step: 2, count: 1 },
        ],
        notificationDelivery: share(49, 50),
      }),
    });
    // 11/12 = 91.7 %; 240 s = 4 min; 750 s = 12.5 -> 13 min; 45 s; 3900 s = 1 h 5 min; 49/50 = 98.0 %.
    expect(text.zh.split('\n')).toEqual([
      '【每日汇总】阳光花园 2026-11-30',
      '新工单 12 张，闭单率 11/12 (91.7%)（目标 98.0%）',
      '按时接单 9/10 (90.0%)；用时中位 4分钟，90% 在13分钟内',
      '按时到场 7/8 (87.5%)；用时中位 45秒，90% 在1小时5分内',
      '回访完成 3/4 (75.0%)',
      '误报 2/9 (22.2%)，最高：night_out 2/3 (66.7%)',
      '升级 3 次：接单第1步 2 次，到场第2步 1 次',
      '通知送达 49/50 (98.0%)',
    ]);
    expect(text.en.split('\n')).toEqual([
      'Daily digest: 阳光花园, 2026-11-30',
      '12 tickets opened, closure rate 11/12 (91.7%) (target 98.0%)',
      'Acknowledged in time 9/10 (90.0%); median 4 min, 90 % within 13 min',
      'On site in time 7/8 (87.5%); median 45 s, 90 % within 1 h 5 min',
      'Follow-up calls made 3/4 (75.0%)',
      'False alarms 2/9 (22.2%), highest: night_out 2/3 (66.7%)',
      'Escalations 3: acknowledge step 1 x2, on site step 2 x1',
      'Notifications delivered 49/50 (98.0%)',
    ]);
  });

  it('a quiet day says "none" rather than 0 %, and leaves out the delivery line until notifications are wired in', () => {
    const text = renderDigest({ estateName: 'Riverside', day: '2026-11-29', report: reportOf(emptyFigures()) });
    expect(text.en.split('\n')).toEqual([
      'Daily digest: Riverside, 2026-11-29',
      '0 tickets opened, closure rate none (target 98.0%)',
      'Acknowledged in time none',
      'On site in time none',
      'Follow-up calls made none',
      'False alarms none',
      'Escalations 0',
    ]);
    expect(text.zh).toContain('新工单 0 张，闭单率 无（目标 98.0%）');
    expect(text.zh).not.toContain('通知送达');
  });
});
