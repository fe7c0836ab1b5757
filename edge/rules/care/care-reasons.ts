import type { Reason } from '../../../shared/contract/index.js';
import { SIGNAL_NAMES, type ActivitySignal } from '../activity/activity-signal.js';
import type { Absence } from './absence.js';
import { formatDuration, formatLocal, formatMinutes, MS_PER_HOUR } from '../activity/local-time.js';
import type { QuietFacts } from './care-facts.js';
import { discountedNote, runningWaterNote } from './care-notes.js';
import type { LearnedLimit } from './quiet-lengths.js';

/**
 * Reasons a housekeeper reads on a phone, in Chinese and English: which household, what was (not)
 * seen and since when, what the decision rests on, and what data was missing.
 */

const REASON_MAX = 500;

const FIRST_USE: Readonly<Record<ActivitySignal, { en: string; zh: string }>> = {
  door: { en: 'first door use', zh: '首次开门' },
  water: { en: 'first water use', zh: '首次用水' },
  electricity: { en: 'first electricity use', zh: '首次用电' },
  gate: { en: 'first card at the estate gate', zh: '首次在小区门禁刷卡' },
};

const DEVICE_NAMES: Readonly<Record<ActivitySignal, { en: string; zh: string }>> = {
  door: { en: 'door controller', zh: '门禁' },
  water: { en: 'water meter', zh: '水表' },
  electricity: { en: 'electricity meter', zh: '电表' },
  gate: { en: 'estate gate', zh: '小区门禁' },
};

const ACTIVITY_NAMES: Readonly<Record<string, { en: string; zh: string }>> = {
  door_opened: { en: 'door opened', zh: '开门' },
  door_closed: { en: 'door closed', zh: '关门' },
  credential_granted: { en: 'card accepted at the door', zh: '门禁刷卡' },
  rex_pressed: { en: 'exit button pressed', zh: '按出门按钮' },
  water_use: { en: 'water used', zh: '用水' },
  power_on: { en: 'electricity used', zh: '用电' },
  small_load_on: { en: 'a small load switched on', zh: '小功率电器开启' },
  gate_card: { en: 'card used at the estate gate', zh: '小区门禁刷卡' },
};

export function quietReason(facts: QuietFacts): Reason {
  const at = (time: number) => formatLocal(time, facts.utcOffsetMin, facts.now);
  const who = { en: `Household ${facts.unitId}${facts.livesAlone ? ' (lives alone)' : ''}`, zh: `住户 ${facts.unitId}${facts.livesAlone ? '（独居）' : ''}` };
  const head = facts.missedReturn ? missedReturnHead(facts, who, at) : facts.check === 'morning_check' ? morningHead(facts, who) : inactivityHead(facts, who, at);
  const parts = [head, runningWaterNote(facts, at), discountedNote(facts, at), lastSeen(facts, at), blindNote(facts, at)].filter((part): part is Reason => part !== undefined);
  return { en: clip(parts.map((part) => part.en).join(' ')), zh: clip(parts.map((part) => part.zh).join('')) };
}

/** Why the daytime limit was longer than configured, for the reason. */
const LIMIT_BASES: Readonly<Record<NonNullable<LearnedLimit['basis']> | 'meter_blind', Reason>> = {
  learning: { en: ', her quiet lengths still being learned', zh: '，其日常安静时长仍在学习中' },
  quiet_lengths: { en: ', her own long quiet afternoons', zh: '，按其平日较长的安静时段' },
  weekly_outing: { en: ', her usual weekly outing at this time', zh: '，按其每周此时的固定外出' },
  went_out: { en: ', she went out through the door', zh: '，其已出门' },
  meter_blind: { en: ', a meter without data', zh: '，部分表计无数据' },
};

function inactivityHead(facts: QuietFacts, who: Reason, at: (time: number) => string): Reason {
  const quiet = formatDuration(facts.now - facts.quietSince);
  const hours = facts.limit?.hours ?? (facts.now - facts.quietSince) / MS_PER_HOUR;
  const limit = formatDuration(hours * MS_PER_HOUR);
  const daytime = facts.limit?.window === 'day';
  const held = facts.limit?.heldTo !== undefined;
  const learned = facts.limit?.learned;
  const own = learned ? LIMIT_BASES[learned] : { en: '', zh: '' };
  const cut = facts.limit?.cutAtEvening ? { en: ', checked at the end of the day', zh: '，于当日晚间核查' } : { en: '', zh: '' };
  return {
    en: `${who.en}: no activity for ${quiet.en} since ${at(facts.quietSince)} (${daytime ? 'daytime' : 'overnight'} limit ${limit.en}${own.en}${cut.en}${held ? ', waited for the usual morning' : ''}).`,
    zh: `${who.zh}自 ${at(facts.quietSince)} 起已 ${quiet.zh}无任何活动（${daytime ? '白天' : '跨夜'}限值 ${limit.zh}${own.zh}${cut.zh}${held ? '，已等到平时起床时间' : ''}）。`,
  };
}

function missedReturnHead(facts: QuietFacts, who: Reason, at: (time: number) => string): Reason {
  const back = facts.missedReturn!;
  const why = AWAY_REASONS[back.period.reason];
  const door = facts.last.door ? at(facts.last.door.at) : undefined;
  return {
    en: `${who.en}: registered away (${why.en}) until ${at(back.end)}, and not back through the door since${door ? ` (last door use ${door})` : ''}: the registered return was missed. Please call her or her family.`,
    zh: `${who.zh}登记${why.zh}至 ${at(back.end)}，至今未见开门回家${door ? `（最后一次开门 ${door}）` : ''}：已过登记的返回时间，请联系本人或家属。`,
  };
}

function morningHead(facts: QuietFacts, who: Reason): Reason {
  const routine = facts.routine;
  const checkedAt = formatMinutes(routine?.checkAt ?? 0);
  if (!routine?.learned) {
    return {
      en: `${who.en}: no activity by ${checkedAt} (routine still being learned, ${routine?.days ?? 0} of ${routine?.minHistoryDays ?? 0} days; first activity expected by ${routine?.defaultFirst ?? ''}).`,
      zh: `${who.zh}到 ${checkedAt} 仍无任何活动（作息学习中，已 ${routine?.days ?? 0}/${routine?.minHistoryDays ?? 0} 天，暂按 ${routine?.defaultFirst ?? ''} 前首次活动判断）。`,
    };
  }
  const usual = routine.usualFrom === routine.usualTo ? formatMinutes(routine.usualFrom) : `${formatMinutes(routine.usualFrom)}-${formatMinutes(routine.usualTo)}`;
  const first = routine.signal ? FIRST_USE[routine.signal] : { en: 'first activity', zh: '首次活动' };
  const weekend = routine.kind === 'weekend' ? { en: ' at weekends', zh: '周末' } : { en: '', zh: '' };
  const gap = routine.signGapMin === undefined ? undefined : formatDuration(routine.signGapMin * 60_000);
  const waited = gap ? { en: ` (waited ${gap.en} after it: her first signs of the morning often come that far apart)`, zh: `（已多等 ${gap.zh}：其早晨前两次活动常相隔这么久）` } : { en: '', zh: '' };
  return {
    en: `${who.en}: usually ${first.en} ${usual}${weekend.en}; none by ${checkedAt}${waited.en}.`,
    zh: `${who.zh}${weekend.zh}平时 ${usual} ${first.zh}，到 ${checkedAt} 仍无任何活动${waited.zh}。`,
  };
}

function lastSeen(facts: QuietFacts, at: (time: number) => string): Reason {
  const seen = (Object.keys(SIGNAL_NAMES) as ActivitySignal[]).flatMap((signal) => {
    const sighting = facts.last[signal];
    return sighting ? [{ signal, at: sighting.at }] : [];
  });
  if (seen.length === 0) return { en: 'Nothing seen since watching began.', zh: '开始监测以来未见任何活动。' };
  return {
    en: `Last seen: ${seen.map((item) => `${SIGNAL_NAMES[item.signal].en} ${at(item.at)}`).join(', ')}.`,
    zh: `最近：${seen.map((item) => `${SIGNAL_NAMES[item.signal].zh} ${at(item.at)}`).join('，')}。`,
  };
}

function blindNote(facts: QuietFacts, at: (time: number) => string): Reason | undefined {
  const notes = facts.blind.flatMap((watch) => {
    const name = DEVICE_NAMES[watch.signal];
    const devices = watch.blind.map((device) => {
      const since = device.since === undefined ? undefined : at(device.since);
      switch (device.state) {
        case 'offline':
          return { en: `${name.en} ${device.device_id} offline since ${since}`, zh: `${name.zh} ${device.device_id} 自 ${since} 离线` };
        case 'silent':
          return { en: `${name.en} ${device.device_id} silent since ${since}`, zh: `${name.zh} ${device.device_id} 自 ${since} 无数据` };
        case 'no_data':
          return { en: `${name.en} ${device.device_id} has sent no data`, zh: `${name.zh} ${device.device_id} 尚无数据` };
        case 'supply_cut':
          return { en: `no water used anywhere on the estate since ${since} (a cut in the supply?)`, zh: `自 ${since} 起全小区无人用水（疑似停水）` };
      }
    });
    const partly = watch.watching && watch.since > facts.quietSince ? [{ en: `${name.en} data only since ${at(watch.since)}`, zh: `${name.zh}数据自 ${at(watch.since)} 起` }] : [];
    return [...devices, ...partly];
  });
  if (notes.length === 0) return undefined;
  const decided = facts.decidedOn.map((signal) => SIGNAL_NAMES[signal]);
  return {
    en: `Data incomplete: ${notes.map((note) => note.en).join('; ')}; decided on ${decided.map((name) => name.en).join(', ')}.`,
    zh: `数据不全：${notes.map((note) => note.zh).join('；')}；依据${decided.map((name) => name.zh).join('、')}判断。`,
  };
}

export function activityReturnedReason(unitId: string, what: string, at: number, utcOffsetMin: number): Reason {
  const name = ACTIVITY_NAMES[what] ?? { en: what, zh: what };
  const time = formatLocal(at, utcOffsetMin);
  return { en: `Household ${unitId}: active again (${name.en} at ${time}).`, zh: `住户 ${unitId} 已恢复活动（${time} ${name.zh}）。` };
}

const AWAY_REASONS = { travel: { en: 'travel', zh: '外出旅行' }, hospital: { en: 'hospital', zh: '住院' }, other: { en: 'away', zh: '外出' } } as const;

export function awayReason(unitId: string, absence: Extract<Absence, { kind: 'away_period' }>, utcOffsetMin: number, now: number): Reason {
  const why = AWAY_REASONS[absence.period.reason];
  const until = formatLocal(absence.until, utcOffsetMin, now);
  return {
    en: `Household ${unitId} is registered away (${why.en}) until ${until}: care alert withdrawn.`,
    zh: `住户 ${unitId} 已登记${why.zh}，至 ${until}：撤销关怀提醒。`,
  };
}

export function unenrolledReason(unitId: string): Reason {
  return {
    en: `Household ${unitId} is no longer enrolled in care: alert withdrawn, its activity data deleted on the gateway.`,
    zh: `住户 ${unitId} 已退出关怀服务：撤销提醒，网关上的活动数据已删除。`,
  };
}

function clip(text: string): string {
  return text.length <= REASON_MAX ? text : `${text.slice(0, REASON_MAX - 1)}…`;
}
