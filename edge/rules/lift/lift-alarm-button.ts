import type { Reason, Subject } from '../../../shared/contract/index.js';
import { fromWireTime } from '../../../shared/contract/index.js';
import { pointValue, type CanonicalEvent, type ReadingFrame } from '../../model/device-data.js';
import type { LiftPoint } from '../../model/lift-points.js';
import type { AlertChange, Rule, RuleContext } from '../rule.js';

export const LIFT_ALARM_BUTTON_RULE_ID = 'lift_alarm_button';

/** Why an entrapment episode ended; the evidence names it. */
export type LiftReleaseCause = 'doors_open_in_door_zone' | 'car_empty' | 'passenger_trapped_cleared';

/**
 * The alarm button in a lift car (event 90, protocols.md 5.2/5.4) means a passenger may be trapped:
 * a critical lift_entrapment alert on the lift (the device's asset). Further presses during the
 * episode update it with the press count. It clears when, after the last press, the lift reports
 * its doors open in the door zone or an empty car (protocols.md 5.3 points), or the monitor clears
 * fault 11 passenger_trapped. A release seen at the very instant of the press does not count: the
 * passenger pressed the button while the lift looked like that.
 */
export function createLiftAlarmButtonRule(): Rule {
  return {
    id: LIFT_ALARM_BUTTON_RULE_ID,
    onEvent: (event, context) => onEvent(event, context),
    onReadings: (frame, context) => onReadings(frame, context),
  };
}

function onEvent(event: CanonicalEvent, context: RuleContext): AlertChange[] {
  if (event.subject.kind !== 'asset') return [];
  const episode = context.episode(event.subject);
  if (event.type === 'lift_alarm_button') {
    if (!episode) {
      return [
        {
          action: 'raise',
          subject: event.subject,
          category: 'lift_entrapment',
          severity: 'critical',
          event_time: event.event_time,
          reason: pressedReason(event.subject, 1),
          evidence: { device_id: event.device_id, press_count: 1, first_pressed_at: event.event_time, last_pressed_at: event.event_time },
        },
      ];
    }
    const presses = (typeof episode.evidence.press_count === 'number' ? episode.evidence.press_count : 1) + 1;
    return [
      {
        action: 'update',
        subject: event.subject,
        event_time: event.event_time,
        reason: pressedReason(event.subject, presses),
        evidence: { press_count: presses, last_pressed_at: event.event_time },
      },
    ];
  }
  if (episode && event.type === 'lift_fault_cleared' && event.attributes.fault === 'passenger_trapped') {
    return [release(event.subject, event.event_time, 'passenger_trapped_cleared')];
  }
  return [];
}

function onReadings(frame: ReadingFrame, context: RuleContext): AlertChange[] {
  const episode = context.episode(frame.subject);
  if (!episode) return [];
  const lastPress = episode.evidence.last_pressed_at;
  if (typeof lastPress === 'string' && fromWireTime(frame.event_time) <= fromWireTime(lastPress)) return [];
  const value = (point: LiftPoint) => pointValue(frame, point);
  if (value('door_zone') === 1 && value('door_status') === 0) return [release(frame.subject, frame.event_time, 'doors_open_in_door_zone')];
  if (value('passenger_status') === 0) return [release(frame.subject, frame.event_time, 'car_empty')];
  return [];
}

function release(subject: Subject, eventTime: string, cause: LiftReleaseCause): AlertChange {
  return { action: 'clear', subject, event_time: eventTime, reason: releasedReason(subject, cause), evidence: { cleared_by: cause } };
}

function pressedReason(subject: Subject, presses: number): Reason {
  if (presses === 1) {
    return { zh: `电梯 ${subject.id} 报警按钮被按下，可能有乘客被困`, en: `Alarm button pressed in lift ${subject.id}: a passenger may be trapped` };
  }
  return {
    zh: `电梯 ${subject.id} 报警按钮已被按下 ${presses} 次，可能有乘客被困`,
    en: `Alarm button pressed ${presses} times in lift ${subject.id}: a passenger may be trapped`,
  };
}

function releasedReason(subject: Subject, cause: LiftReleaseCause): Reason {
  switch (cause) {
    case 'doors_open_in_door_zone':
      return { zh: `电梯 ${subject.id} 已停靠平层并开门，困人解除`, en: `Lift ${subject.id} stopped at a landing with its doors open: no longer trapped` };
    case 'car_empty':
      return { zh: `电梯 ${subject.id} 轿厢内已无乘客`, en: `Lift ${subject.id}: no one is left in the car` };
    case 'passenger_trapped_cleared':
      return { zh: `电梯监测终端报告 ${subject.id} 困人故障已恢复`, en: `The monitor of lift ${subject.id} reports the entrapment fault recovered` };
  }
}
