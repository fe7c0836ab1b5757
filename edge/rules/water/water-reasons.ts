import type { Reason, Subject } from '../../../shared/contract/index.js';
import { formatLocal } from '../activity/local-time.js';

/** Reasons of the leak rule, for facilities and the housekeeper, in Chinese and English. */

function subjectName(subject: Subject): Reason {
  return subject.kind === 'unit' ? { en: `household ${subject.id}`, zh: `住户 ${subject.id} ` } : { en: subject.id, zh: `设施 ${subject.id} ` };
}

export interface ContinuousFlowFacts {
  deviceId: string;
  since: number;
  hours: number;
  slotMin: number;
  litres: number;
}

export interface DailyVolumeFacts {
  deviceId: string;
  litres: number;
  maxLitres: number;
}

export function leakReason(subject: Subject, utcOffsetMin: number, now: number, flow: ContinuousFlowFacts | undefined, daily: DailyVolumeFacts | undefined): Reason {
  const name = subjectName(subject);
  const deviceId = flow?.deviceId ?? daily?.deviceId ?? '';
  const parts: Reason[] = [];
  if (flow) {
    const since = formatLocal(flow.since, utcOffsetMin, now);
    const perHour = Math.round(flow.litres / flow.hours);
    const hours = round1(flow.hours);
    parts.push({
      en: `water used in every ${flow.slotMin}-minute slot for ${hours} h since ${since} (${Math.round(flow.litres)} L, about ${perHour} L/h)`,
      zh: `自 ${since} 起连续 ${hours} 小时每 ${flow.slotMin} 分钟都在用水（共 ${Math.round(flow.litres)} 升，约 ${perHour} 升/小时）`,
    });
  }
  if (daily) {
    parts.push({
      en: `${Math.round(daily.litres)} L used today, above the daily limit of ${daily.maxLitres} L`,
      zh: `今日已用水 ${Math.round(daily.litres)} 升，超过每日上限 ${daily.maxLitres} 升`,
    });
  }
  return {
    en: `Water meter ${deviceId} of ${name.en}: ${parts.map((part) => part.en).join('; ')}. A leak or a tap left running?`,
    zh: `${name.zh}水表 ${deviceId}：${parts.map((part) => part.zh).join('；')}，疑似漏水或水龙头未关。`,
  };
}

export function leakOverReason(subject: Subject, deviceId: string, cause: 'flow_stopped' | 'new_day'): Reason {
  const name = subjectName(subject);
  return cause === 'flow_stopped'
    ? { en: `Water meter ${deviceId} of ${name.en}: the flow has stopped (a whole slot without use).`, zh: `${name.zh}水表 ${deviceId}：已出现无用水时段，持续用水已停止。` }
    : { en: `Water meter ${deviceId} of ${name.en}: a new day began and the flow is not continuous.`, zh: `${name.zh}水表 ${deviceId}：已进入新的一天，且无持续用水。` };
}

function round1(value: number): number {
  return Math.round(value * 10) / 10;
}
