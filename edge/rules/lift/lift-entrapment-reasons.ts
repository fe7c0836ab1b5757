import type { Reason, Subject } from '../../../shared/contract/index.js';
import { durationText } from '../engine/duration-text.js';

/** How a stopped car can hold a passenger (非平层困人 and 平层困人; edge/rules/README.md, lifts). */
export type StopKind = 'outside_door_zone' | 'in_door_zone_doors_closed';

/** Why an entrapment episode ended; the evidence names it. */
export type LiftReleaseCause = 'doors_open_in_door_zone' | 'car_empty' | 'passenger_trapped_cleared';

export function pressedReason(subject: Subject, presses: number): Reason {
  if (presses === 1) {
    return { zh: `电梯 ${subject.id} 报警按钮被按下，可能有乘客被困`, en: `Alarm button pressed in lift ${subject.id}: a passenger may be trapped` };
  }
  return {
    zh: `电梯 ${subject.id} 报警按钮已被按下 ${presses} 次，可能有乘客被困`,
    en: `Alarm button pressed ${presses} times in lift ${subject.id}: a passenger may be trapped`,
  };
}

export function stoppedReason(subject: Subject, kind: StopKind, stoppedMs: number, floor: number | undefined): Reason {
  const time = durationText(stoppedMs);
  if (kind === 'outside_door_zone') {
    const near = floor === undefined ? { zh: '', en: '' } : { zh: `（${floor} 层附近）`, en: ` near floor ${floor}` };
    return {
      zh: `电梯 ${subject.id} 停在门区外${near.zh}已 ${time.zh}，轿厢内有人，可能有乘客被困`,
      en: `Lift ${subject.id} has stood outside the door zone${near.en} for ${time.en} with someone inside: a passenger may be trapped`,
    };
  }
  const at = floor === undefined ? { zh: '平层位置', en: 'at a landing' } : { zh: `${floor} 层平层位置`, en: `at floor ${floor}` };
  return {
    zh: `电梯 ${subject.id} 停在${at.zh}、门未打开已 ${time.zh}，轿厢内有人，可能有乘客被困`,
    en: `Lift ${subject.id} has stood ${at.en} with its doors closed for ${time.en} with someone inside: a passenger may be trapped`,
  };
}

export function monitorTrappedReason(subject: Subject): Reason {
  return { zh: `电梯监测终端报告 ${subject.id} 困人`, en: `The monitor of lift ${subject.id} reports a trapped passenger` };
}

export function releasedReason(subject: Subject, cause: LiftReleaseCause): Reason {
  switch (cause) {
    case 'doors_open_in_door_zone':
      return { zh: `电梯 ${subject.id} 已停靠平层并开门，困人解除`, en: `Lift ${subject.id} stopped at a landing with its doors open: no longer trapped` };
    case 'car_empty':
      return { zh: `电梯 ${subject.id} 轿厢内已无乘客`, en: `Lift ${subject.id}: no one is left in the car` };
    case 'passenger_trapped_cleared':
      return { zh: `电梯监测终端报告 ${subject.id} 困人故障已恢复`, en: `The monitor of lift ${subject.id} reports the entrapment fault recovered` };
  }
}
