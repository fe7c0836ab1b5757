import type { Reason } from '../../../shared/contract/index.js';
import type { OfflineReason } from '../../drivers/driver.js';
import { durationText } from '../engine/duration-text.js';
import type { DeviceInfo } from '../rule.js';

const KIND_NAMES: Record<string, Reason> = {
  lift_monitor: { zh: '电梯监测终端', en: 'lift monitor' },
  electricity_meter: { zh: '电表', en: 'electricity meter' },
  water_meter: { zh: '水表', en: 'water meter' },
  door_access_controller: { zh: '门禁控制器', en: 'door controller' },
};

/** What the driver said, in words that tell facilities where to look. */
const DRIVER_SAYS: Record<OfflineReason, Reason> = {
  no_response: { zh: '总线上无应答', en: 'it does not answer on its bus' },
  bus_unavailable: { zh: '所在总线不可用，请检查串口或网络连接', en: 'its bus is unavailable: check the serial adapter or link' },
  local_broker_unreachable: { zh: '网关本地消息服务不可用', en: "the gateway's local MQTT broker is unreachable" },
};

export function silentReason(device: DeviceInfo, silentMs: number, missedPolls: number | undefined, why: OfflineReason | undefined, heartbeatMs?: number): Reason {
  const kind = kindName(device.kind);
  const silent = durationText(silentMs);
  let zh = `设备 ${device.id}（${kind.zh}）已 ${silent.zh}没有有效读数`;
  let en = `Device ${device.id} (${kind.en}) has sent no good reading for ${silent.en}`;
  if (missedPolls !== undefined && device.pollIntervalMs !== undefined) {
    const period = durationText(device.pollIntervalMs);
    zh += `（轮询周期 ${period.zh}，连续 ${missedPolls} 次）`;
    en += ` (${missedPolls} polls of ${period.en})`;
  } else if (heartbeatMs !== undefined) {
    const period = durationText(heartbeatMs);
    zh += `（平时每 ${period.zh}上报一次心跳）`;
    en += ` (it sends a heartbeat every ${period.en})`;
  }
  if (why) {
    zh += `：${DRIVER_SAYS[why].zh}`;
    en += `: ${DRIVER_SAYS[why].en}`;
  }
  return { zh, en };
}

function kindName(kind: string): Reason {
  return KIND_NAMES[kind] ?? { zh: kind, en: kind.replaceAll('_', ' ') };
}

/** One alert for a bus whose devices fell silent together: a power cut, a cut cable, a dead adapter. */
export function busSilentReason(bus: string, silent: readonly DeviceInfo[], total: number, since: number, now: number): Reason {
  const ago = durationText(now - since);
  const kinds = [...new Set(silent.map((device) => device.kind))].map(kindName);
  return {
    en: `Bus ${bus}: ${silent.length} of its ${total} devices (${kinds.map((kind) => kind.en).join(', ')}) fell silent together ${ago.en} ago: a power cut, a cable or the bus adapter? Their own alerts wait behind this one.`,
    zh: `总线 ${bus}：${total} 台设备中 ${silent.length} 台（${kinds.map((kind) => kind.zh).join('、')}）约 ${ago.zh}前同时无数据，疑似停电、线路或总线适配器故障；各设备的告警暂并入本条。`,
  };
}

export function busBackReason(bus: string, back: number, total: number): Reason {
  return {
    en: `Bus ${bus}: ${back} of its ${total} devices read again; any still silent get their own alert if they stay so.`,
    zh: `总线 ${bus}：${total} 台设备中 ${back} 台已恢复读数；仍无数据的设备如持续无数据将单独告警。`,
  };
}

export function backReason(device: DeviceInfo, silentMs: number): Reason {
  const silent = durationText(silentMs);
  return { zh: `设备 ${device.id} 已恢复读数（中断 ${silent.zh}）`, en: `Device ${device.id} is reading again after ${silent.en} without data` };
}
