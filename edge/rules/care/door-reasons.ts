import type { Reason } from '../../../shared/contract/index.js';
import { formatLocal } from '../activity/local-time.js';
import type { DoorHealth, DoorSign } from './door-health.js';

/** Reasons of the door-controller watch, for facilities, in Chinese and English. */
export function doorSuspectedReason(deviceId: string, unitId: string, sign: DoorSign, health: DoorHealth, lastDoorAt: number, utcOffsetMin: number, now: number, lastWaterAt?: number): Reason {
  const at = (time: number) => formatLocal(time, utcOffsetMin, now);
  const last = at(lastDoorAt);
  const unmatched = health.unmatched ?? [];
  if (sign === 'away') {
    const days = (health.days_away ?? []).slice(-3);
    const en = days.map(([from, to]) => `no sign of her from ${at(from)} until water was used at ${at(to)}`);
    const zh = days.map(([from, to]) => `自 ${at(from)} 起无任何活动，至 ${at(to)} 才有用水`);
    const more = days.length < 2;
    return {
      en: `Door controller ${deviceId} of household ${unitId} may be dead: the household came home twice with no door event: ${en.join('; ')}${more ? '; and a daytime quiet far longer than any at home' : ''}; last door event ${last}. Please check the controller.`,
      zh: `住户 ${unitId} 的门禁 ${deviceId} 可能已失效：住户两次外出回家均无开门记录：${zh.join('；')}${more ? '；另有一次日间静默远长于其在家时的任何一次' : ''}；最后一次开门 ${last}。请检查门禁设备。`,
    };
  }
  if (sign === 'gate') {
    const cards = unmatched.slice(-3).map(at);
    return {
      en: `Door controller ${deviceId} of household ${unitId} may be dead: the household's card was used at the estate gate at ${cards.join(', ')} with no door event around it; last door event ${last}. Please check the controller.`,
      zh: `住户 ${unitId} 的门禁 ${deviceId} 可能已失效：住户门卡于 ${cards.join('、')} 在小区门禁使用，前后均无开门记录；最后一次开门 ${last}。请检查门禁设备。`,
    };
  }
  if (sign === 'home' && lastWaterAt !== undefined) {
    const cards = unmatched.slice(-3).map(at);
    const water = at(lastWaterAt);
    return {
      en: `Door controller ${deviceId} of household ${unitId} may be dead: the household's card was used at the estate gate at ${cards.join(', ')} with no door event around it, and water was used at home a day later (last ${water}) with no door event since ${last}. Please check the controller.`,
      zh: `住户 ${unitId} 的门禁 ${deviceId} 可能已失效：住户门卡于 ${cards.join('、')} 在小区门禁使用，前后均无开门记录；其后一天以上家中仍在用水（最近 ${water}），而自 ${last} 起无开门记录。请检查门禁设备。`,
    };
  }
  return {
    en: `Door controller ${deviceId} of household ${unitId} may be dead: no door event since ${last} while water and electricity show the household active. Please check the controller.`,
    zh: `住户 ${unitId} 的门禁 ${deviceId} 可能已失效：自 ${last} 起无开门记录，而用水用电显示住户正常活动。请检查门禁设备。`,
  };
}

export function doorBackReason(deviceId: string, unitId: string): Reason {
  return { en: `Door controller ${deviceId} of household ${unitId} reports door events again.`, zh: `住户 ${unitId} 的门禁 ${deviceId} 已恢复上报开门记录。` };
}
