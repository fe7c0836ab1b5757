import type { DurationSpread, Share } from './kpi-figures.js';
import { CLOSURE_TARGET } from './kpi-figures.js';
import type { KpiReport } from './kpi-service.js';

/** The daily digest in both languages; a channel shows the one it is set to. */
export interface DigestText {
  zh: string;
  en: string;
}

export interface DigestInput {
  estateName: string;
  /** The local day the figures are of (YYYY-MM-DD). */
  day: string;
  report: KpiReport;
}

interface Words {
  title(estate: string, day: string): string;
  opened(opened: number, closure: string, target: string): string;
  acknowledged(share: string, spread: string): string;
  onSite(share: string, spread: string): string;
  spread(median: string, p90: string): string;
  duration(seconds: number): string;
  followUp(share: string): string;
  falseAlarms(share: string, worst: string): string;
  worstRule(rule: string, share: string): string;
  escalations(total: number, steps: string): string;
  step(chain: string, step: number, count: number): string;
  chain: Record<string, string>;
  delivery(share: string): string;
  nothing: string;
  list: string;
}

const zh: Words = {
  title: (estate, day) => `【每日汇总】${estate} ${day}`,
  opened: (opened, closure, target) => `新工单 ${opened} 张，闭单率 ${closure}（目标 ${target}）`,
  acknowledged: (share, spread) => `按时接单 ${share}${spread}`,
  onSite: (share, spread) => `按时到场 ${share}${spread}`,
  spread: (median, p90) => `；用时中位 ${median}，90% 在${p90}内`,
  duration: (seconds) => (seconds < 60 ? `${Math.round(seconds)}秒` : seconds < 3600 ? `${Math.round(seconds / 60)}分钟` : `${Math.floor(seconds / 3600)}小时${Math.round((seconds % 3600) / 60)}分`),
  followUp: (share) => `回访完成 ${share}`,
  falseAlarms: (share, worst) => `误报 ${share}${worst}`,
  worstRule: (rule, share) => `，最高：${rule} ${share}`,
  escalations: (total, steps) => `升级 ${total} 次${steps ? `：${steps}` : ''}`,
  step: (chain, step, count) => `${chain}第${step}步 ${count} 次`,
  chain: { ack: '接单', on_site: '到场', follow_up: '回访' },
  delivery: (share) => `通知送达 ${share}`,
  nothing: '无',
  list: '，',
};

const en: Words = {
  title: (estate, day) => `Daily digest: ${estate}, ${day}`,
  opened: (opened, closure, target) => `${opened} tickets opened, closure rate ${closure} (target ${target})`,
  acknowledged: (share, spread) => `Acknowledged in time ${share}${spread}`,
  onSite: (share, spread) => `On site in time ${share}${spread}`,
  spread: (median, p90) => `; median ${median}, 90 % within ${p90}`,
  duration: (seconds) => (seconds < 60 ? `${Math.round(seconds)} s` : seconds < 3600 ? `${Math.round(seconds / 60)} min` : `${Math.floor(seconds / 3600)} h ${Math.round((seconds % 3600) / 60)} min`),
  followUp: (share) => `Follow-up calls made ${share}`,
  falseAlarms: (share, worst) => `False alarms ${share}${worst}`,
  worstRule: (rule, share) => `, highest: ${rule} ${share}`,
  escalations: (total, steps) => `Escalations ${total}${steps ? `: ${steps}` : ''}`,
  step: (chain, step, count) => `${chain} step ${step} x${count}`,
  chain: { ack: 'acknowledge', on_site: 'on site', follow_up: 'follow-up' },
  delivery: (share) => `Notifications delivered ${share}`,
  nothing: 'none',
  list: ', ',
};

/** "9/10 (90.0 %)"; "none" when nothing was counted. */
function shareText(words: Words, share: Share): string {
  return share.rate === null ? words.nothing : `${share.count}/${share.of} (${percent(share.rate)})`;
}

function percent(rate: number): string {
  return `${(rate * 100).toFixed(1)}%`;
}

function spreadText(words: Words, spread: DurationSpread): string {
  return spread.medianS === null || spread.p90S === null ? '' : words.spread(words.duration(spread.medianS), words.duration(spread.p90S));
}

function render(words: Words, { estateName, day, report }: DigestInput): string {
  const totals = report.totals;
  const closure = totals.closure.rate === null ? words.nothing : `${totals.closure.count}/${totals.closure.of} (${percent(totals.closure.rate)})`;
  const worst = report.falseAlarmsByRule.find((rule) => rule.falseAlarms.count > 0);
  const lines = [
    words.title(estateName, day),
    words.opened(totals.opened, closure, percent(CLOSURE_TARGET)),
    words.acknowledged(shareText(words, totals.acknowledgedInTime), spreadText(words, totals.timeToAcknowledge)),
    words.onSite(shareText(words, totals.onSiteInTime), spreadText(words, totals.timeToArrive)),
    words.followUp(shareText(words, totals.followUp)),
    words.falseAlarms(shareText(words, totals.falseAlarms), worst ? words.worstRule(worst.rule, shareText(words, worst.falseAlarms)) : ''),
    words.escalations(totals.escalations, report.escalationsBySteps.map((s) => words.step(words.chain[s.chain] ?? s.chain, s.step, s.count)).join(words.list)),
  ];
  if (report.notificationDelivery) lines.push(words.delivery(shareText(words, report.notificationDelivery)));
  return lines.join('\n');
}

/**
 * Yesterday's KPIs of an estate in words, Chinese and English: counts and rates only, no resident,
 * unit or staff named (rules are named by their id).
 */
export function renderDigest(input: DigestInput): DigestText {
  return { zh: render(zh, input), en: render(en, input) };
}
