import { describe, expect, it } from 'vitest';
import { toWireTime, type AlertItem } from '../../../shared/contract/index.js';
import { silentLogger } from '../../../shared/log/logger.js';
import { ManualClock } from '../../../shared/time/clock.js';
import { mapPayload } from '../../../edge/drivers/mqtt/payload-mapper.js';
import { MemoryOutbox } from '../../../edge/outbox/memory-outbox.js';
import { DevicePipeline } from '../../../edge/pipeline/device-pipeline.js';
import { createDefaultRules } from '../../../edge/rules/default-rules.js';
import { RuleEngine } from '../../../edge/rules/rule-engine.js';
import { MemoryRuleStateStore } from '../../../edge/rules/state/memory-rule-state-store.js';
import { LIFT, T0, bytes, shippedProfile } from '../../edge/edge-fixtures.js';

const profile = shippedProfile('lift_monitor_gbt24476');

// Device values (device-profiles/README.md): door_zone 1 in, door_status 1 closed, passenger_status 1 occupied / 2 empty.
const STOPPED_DOORS_CLOSED = { car_status: 0, car_direction: 0, door_zone: 1, car_position: 3, door_status: 1, service_mode: 1, power_status: 1 };
const PRESS = { event_code: 90 };
const TRAPPED = { ...STOPPED_DOORS_CLOSED, passenger_status: 1 };
const EMPTY_CAR = { ...STOPPED_DOORS_CLOSED, passenger_status: 2 };

/**
 * A lift monitor flushes one entrapment from its store-and-forward queue: a press, two frames of
 * the passenger inside, a second press and the release (an empty car), stamped 1 ms apart by the
 * monitor's clock from T0. A monitor clock a few ms ahead of the gateway's is within
 * DEVICE_CLOCK_TOLERANCE_MS (edge/drivers/event-time.ts), so its stamps are believed; the gateway
 * takes the rest of the flush in within one read of the connection, at one instant of its clock.
 */
const FLUSH = [PRESS, TRAPPED, TRAPPED, PRESS, EMPTY_CAR];

/** The gateway's side: the real mapper, pipeline and rules, on a clock the test holds. */
function gateway(clock: ManualClock): { take: (seq: number, fields: Record<string, unknown>) => void; alerts: AlertItem[] } {
  const engine = new RuleEngine({ rules: createDefaultRules(), store: new MemoryRuleStateStore(), devices: [], logger: silentLogger(), autoCommit: false, keepUnsent: true });
  const alerts: AlertItem[] = [];
  const pipeline = new DevicePipeline({ engine, clock, outbox: new MemoryOutbox(clock), onAppended: () => undefined, onAlert: (alert) => alerts.push(alert), logger: silentLogger() });
  /** One message, as the MQTT driver hands it in (edge/drivers/mqtt/mqtt-driver.ts onMessage): its events, then its frame. */
  const take = (seq: number, fields: Record<string, unknown>): void => {
    const result = mapPayload(profile, LIFT, bytes({ time: toWireTime(T0 + seq), seq, ...fields }), clock.now());
    if (!result.ok) throw new Error(result.problem.message);
    for (const event of result.events) pipeline.event(event);
    if (result.frame) pipeline.readings(result.frame);
  };
  return { take, alerts };
}

describe('a lift burst whose rest the gateway takes in at one instant', () => {
  // Received at T0 + 3: the second press keeps its stamp and the release, 1 ms later by the
  // monitor's clock, is 1 ms ahead of the gateway's. Received at T0 + 1: the second press too.
  it.each([1, 2, 3, 4])('is one episode, both presses counted, cleared by the release (rest received at T0 + %i ms)', (receivedAfterMs) => {
    const clock = new ManualClock(T0);
    const { take, alerts } = gateway(clock);
    take(0, FLUSH[0]!);
    clock.set(T0 + receivedAfterMs);
    FLUSH.slice(1).forEach((fields, index) => take(index + 1, fields));

    const entrapment = alerts.filter((alert) => alert.rule === 'lift_entrapment');
    expect(entrapment.map((alert) => [alert.state, alert.revision, alert.evidence.press_count])).toEqual([
      ['raised', 1, 1],
      ['updated', 2, 2],
      ['cleared', 3, 2],
    ]);
    expect(new Set(entrapment.map((alert) => alert.episode_id)).size).toBe(1);
    expect(entrapment[2]!.evidence.cleared_by).toBe('car_empty');
  });
});
