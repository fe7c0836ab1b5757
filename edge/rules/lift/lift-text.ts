import type { LiftFault, Reason } from '../../../shared/contract/index.js';

/** Names of the canonical lift faults as a facilities person says them (device-profiles/README.md). */
export const LIFT_FAULT_NAMES: Record<LiftFault, Reason> = {
  safety_circuit_broken: { zh: '安全回路断路', en: 'safety circuit broken' },
  door_close_fault: { zh: '关门故障', en: 'door-closing fault' },
  door_open_fault: { zh: '开门故障', en: 'door-opening fault' },
  stopped_outside_door_zone: { zh: '门区外停梯', en: 'car stopped outside the door zone' },
  unintended_movement: { zh: '轿厢意外移动（开门走车）', en: 'unintended car movement' },
  run_time_limiter: { zh: '电动机运转时间限制器动作', en: 'motor run-time limiter tripped' },
  floor_position_lost: { zh: '楼层位置丢失', en: 'floor position lost' },
  restart_prevented: { zh: '防止电梯再运行故障', en: 'restart prevented' },
  overtravel_top: { zh: '冲顶', en: 'overtravel at the top' },
  overtravel_bottom: { zh: '蹲底', en: 'overtravel at the bottom' },
  passenger_trapped: { zh: '困人', en: 'passenger trapped' },
  overspeed: { zh: '超速', en: 'overspeed' },
  door_open_while_running: { zh: '运行中开门', en: 'door open while running' },
  repeated_door_cycling: { zh: '反复开关门', en: 'repeated door opening and closing' },
  other: { zh: '其他故障', en: 'other fault' },
};

/** " (floor 7)" / "（7 层）", or nothing when the floor is not known. */
export function floorText(floor: number | undefined): Reason {
  return floor === undefined ? { zh: '', en: '' } : { zh: `（${floor} 层）`, en: ` (floor ${floor})` };
}
