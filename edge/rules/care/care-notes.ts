import type { Reason } from '../../../shared/contract/index.js';
import { ATTENDED_WITHIN_MS } from '../activity/appliance-model.js';
import { CONFIRM_MS, HOLD_MS, LONE_AFTER_MS } from '../activity/held-load.js';
import type { QuietFacts } from './care-facts.js';
import type { Discounted } from './care-state.js';

/**
 * The parts of a care alert that say what was set aside: switch-ons the home's own machines explain
 * ("2.0 kW self-starting load (water heater?) at 05:52, 09:10 not counted as activity") and water
 * running steadily (a tap left on is flow, not a resident using water).
 */

/** Times listed per kind of load, at most. */
const TIMES_SHOWN = 4;

export function discountedNote(facts: QuietFacts, at: (time: number) => string): Reason | undefined {
  if (facts.discounted.length === 0) return undefined;
  const groups = new Map<string, { name: Reason; times: number[] }>();
  for (const item of facts.discounted) {
    const name = loadName(item);
    const group = groups.get(name.en) ?? { name, times: [] };
    group.times.push(item.at);
    groups.set(name.en, group);
  }
  const listed = [...groups.values()].map((group) => {
    const times = group.times.slice(-TIMES_SHOWN).map(at);
    const more = group.times.length > TIMES_SHOWN ? group.times.length - TIMES_SHOWN : 0;
    return {
      en: `${group.name.en} at ${times.join(', ')}${more ? ` and ${more} more` : ''}`,
      zh: `${group.name.zh} ${times.join('、')}${more ? ` 等 ${group.times.length} 次` : ''}`,
    };
  });
  return {
    en: `Not counted as activity: ${listed.map((item) => item.en).join('; ')}.`,
    zh: `未计为活动：${listed.map((item) => item.zh).join('；')}。`,
  };
}

export function runningWaterNote(facts: QuietFacts, at: (time: number) => string): Reason | undefined {
  const running = facts.waterRunning;
  if (!running) return undefined;
  const since = at(running.since);
  const rate = running.litresPerMin === undefined ? undefined : running.litresPerMin >= 1 ? running.litresPerMin.toFixed(0) : running.litresPerMin.toFixed(1);
  return {
    en: `Water has run steadily${rate ? ` (about ${rate} L/min)` : ''} since ${since}: a tap may have been left on; steady flow is not counted as activity.`,
    zh: `自 ${since} 起持续用水未停${rate ? `（约 ${rate} 升/分钟）` : ''}，可能水龙头未关；持续水流不计为活动。`,
  };
}

function loadName(item: Discounted): Reason {
  const size = item.watts >= 1000 ? `${(item.watts / 1000).toFixed(1)} kW` : `${Math.round(item.watts / 10) * 10} W`;
  if (item.what === 'small_load' && item.why !== 'machine_ran') return { en: `small ${size} load in the night`, zh: `夜间小负载 ${size}` };
  if (item.what === 'unseen_load') {
    const energy = `${item.watts} Wh`;
    return item.why === 'night'
      ? { en: `${energy} used between two readings at night with nobody up`, zh: `夜间无人活动时两次读数之间耗电 ${energy}` }
      : { en: `${energy} used between two readings, as a self-starting load does (water heater?)`, zh: `两次读数之间耗电 ${energy}，与自动启动的负载相同（疑似热水器）` };
  }
  const names: Record<Discounted['why'], Reason> = {
    automatic: item.watts >= 1000 ? { en: `${size} self-starting load (water heater?)`, zh: `自动启动的 ${size} 负载（疑似热水器）` } : item.watts >= 250 ? { en: `${size} self-starting load (fridge defrost?)`, zh: `自动启动的 ${size} 负载（疑似冰箱除霜）` } : { en: `${size} self-starting load`, zh: `自动启动的 ${size} 负载` },
    timed: { en: `${size} load on its timer`, zh: `定时启动的 ${size} 负载` },
    cycling: { en: `${size} load cycling on its thermostat (heater?)`, zh: `按温控循环的 ${size} 负载（疑似取暖器）` },
    night: { en: `${size} switch-on at night with nobody up`, zh: `夜间无人活动时启动的 ${size} 负载` },
    went_off: { en: `${size} load that switched itself off within ${HOLD_MS / 60_000} min (fridge defrost?)`, zh: `${HOLD_MS / 60_000} 分钟内自行关闭的 ${size} 负载（疑似冰箱除霜）` },
    alone_at_night: { en: `${size} load running at night with nobody seen for ${ATTENDED_WITHIN_MS / 60_000} min before it or ${CONFIRM_MS / 60_000} min after (water heater?)`, zh: `夜间启动、前 ${ATTENDED_WITHIN_MS / 60_000} 分钟及后 ${CONFIRM_MS / 60_000} 分钟均无人活动的 ${size} 负载（疑似热水器）` },
    machine_ran: { en: `small ${size} rise of the power floor held up only while the home's own machines ran (fridge, water heater)`, zh: `仅在家中自动电器（冰箱、热水器）运行期间出现的 ${size} 底电抬升` },
    alone: { en: `${size} load running with nothing else seen for ${LONE_AFTER_MS / 3_600_000} h around it (water heater?)`, zh: `前后 ${LONE_AFTER_MS / 3_600_000} 小时无其他活动时运行的 ${size} 负载（疑似热水器）` },
  };
  return names[item.why];
}
