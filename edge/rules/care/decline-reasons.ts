import type { Reason } from '../../../shared/contract/index.js';
import { formatDuration, formatLocal } from '../activity/local-time.js';

export interface DeclineFacts {
  unitId: string;
  livesAlone: boolean;
  /** Active half-hours in the last 24 h, and how many the household's own weeks make usual. */
  seen: number;
  usual: number;
  /** Water (L) and switch-ons that counted in the last 24 h, and what is usual for those hours. */
  litres: number;
  usualLitres: number;
  ons: number;
  usualOns: number;
  historyDays: number;
  lastDoor: number | undefined;
  utcOffsetMin: number;
  now: number;
}

/** The "check on" visit of a decline, in Chinese and English. */
export function declineReason(facts: DeclineFacts): Reason {
  const who = { en: `Household ${facts.unitId}${facts.livesAlone ? ' (lives alone)' : ''}`, zh: `住户 ${facts.unitId}${facts.livesAlone ? '（独居）' : ''}` };
  const usual = Math.round(facts.usual);
  const litres = Math.round(facts.litres);
  const usualLitres = Math.round(facts.usualLitres);
  const usualOns = Math.round(facts.usualOns);
  const door = facts.lastDoor === undefined ? undefined : { at: formatLocal(facts.lastDoor, facts.utcOffsetMin, facts.now), quiet: formatDuration(facts.now - facts.lastDoor) };
  return {
    en: `${who.en}: much less active than usual over the last 24 h: ${litres} L of water where about ${usualLitres} L is usual, ${facts.ons} appliances switched on (about ${usualOns} usual), active in ${facts.seen} half-hours (about ${usual} usual; her last ${facts.historyDays} days at these hours); ${door ? `the door unused for ${door.quiet.en} (since ${door.at})` : 'the door unused'}. She may be unwell: a call or a check-on visit is suggested.`,
    zh: `${who.zh}过去 24 小时活动明显少于平时：用水 ${litres} 升（平时约 ${usualLitres} 升），开启电器 ${facts.ons} 次（平时约 ${usualOns} 次），${facts.seen} 个半小时有活动（平时约 ${usual} 个；依据近 ${facts.historyDays} 天同时段）；${door ? `已 ${door.quiet.zh}未开门（自 ${door.at}）` : '未开门'}。可能身体不适，建议电话问候或上门探望。`,
  };
}

export function declineOverReason(unitId: string, doorUsed: boolean): Reason {
  return doorUsed
    ? { en: `Household ${unitId}: someone has come to the door; the check-on alert is withdrawn.`, zh: `住户 ${unitId} 已有人开门进出，撤销探望提醒。` }
    : { en: `Household ${unitId}: activity is back to usual; the check-on alert is withdrawn.`, zh: `住户 ${unitId} 活动已恢复正常，撤销探望提醒。` };
}
