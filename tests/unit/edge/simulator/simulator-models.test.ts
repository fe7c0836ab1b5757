import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../../../shared/log/logger.js';
import { mapPayload } from '../../../../edge/drivers/mqtt/payload-mapper.js';
import { createDefaultRules } from '../../../../edge/rules/default-rules.js';
import { RuleEngine } from '../../../../edge/rules/rule-engine.js';
import { MemoryRuleStateStore } from '../../../../edge/rules/state/memory-rule-state-store.js';
import { seededRandom } from '../../../../edge/simulator/random.js';
import { SimulatedDoor } from '../../../../edge/simulator/simulated-door.js';
import { INCIDENT_RELEASE_TICK, SimulatedLift } from '../../../../edge/simulator/simulated-lift.js';
import { GATE_DOOR, LIFT, T0, bytes, shippedProfile } from '../../../edge/edge-fixtures.js';

const liftProfile = shippedProfile('lift_monitor_gbt24476');
const doorProfile = shippedProfile('door_controller_generic');
const PERIOD_MS = 2000;

describe('simulated devices speak their profiles', () => {
  it('door payloads map cleanly and include granted cards, openings and closings', () => {
    const door = new SimulatedDoor(GATE_DOOR.id, seededRandom(7));
    const types = new Set<string>();
    for (let tick = 0; tick < 200; tick++) {
      for (const payload of door.tick(T0 + tick * PERIOD_MS)) {
        const result = mapPayload(doorProfile, GATE_DOOR, bytes(payload), T0 + tick * PERIOD_MS);
        expect(result.ok && result.ignored).toEqual([]);
        if (result.ok) result.events.forEach((e) => types.add(e.type));
      }
    }
    expect([...types].sort()).toEqual(['credential_denied', 'credential_granted', 'door_closed', 'door_opened']);
  });

  it('the same seed gives the same traffic', () => {
    const run = () => {
      const lift = new SimulatedLift(LIFT.id, seededRandom(3));
      return Array.from({ length: 50 }, (_, tick) => lift.tick(T0 + tick * PERIOD_MS));
    };
    expect(run()).toEqual(run());
  });

  it('a staged incident raises the entrapment alert and the release at a landing clears it', () => {
    const lift = new SimulatedLift(LIFT.id, seededRandom(1));
    const engine = new RuleEngine({ rules: createDefaultRules(), store: new MemoryRuleStateStore(), logger: silentLogger() });
    const states: string[] = [];
    const run = (payloads: Array<Record<string, unknown>>, now: number) => {
      for (const payload of payloads) {
        const result = mapPayload(liftProfile, LIFT, bytes(payload), now);
        if (!result.ok) throw new Error(result.problem.message);
        expect(result.ignored).toEqual([]);
        for (const event of result.events) states.push(...engine.onEvent(event).map((a) => `${a.rule} ${a.state}`));
        if (result.frame) states.push(...engine.onReadings(result.frame).map((a) => `${a.rule} ${a.state}`));
      }
    };
    let now = T0;
    for (let tick = 0; tick < 20; tick++) run(lift.tick((now += PERIOD_MS)), now);
    expect(states).toEqual([]);
    const { payloads, description } = lift.stageIncident((now += PERIOD_MS));
    expect(description).toMatch(/stopped between floors/);
    run(payloads, now);
    for (let tick = 0; tick < INCIDENT_RELEASE_TICK + 3; tick++) run(lift.tick((now += PERIOD_MS)), now);
    // The monitor's fault 4 (stopped outside the door zone) lasts 8 s of the incident: past the 5 s
    // confirmation, so it is a repair job (P2) beside the entrapment (P1), and clears with it.
    expect(states).toEqual(['lift_entrapment raised', 'lift_entrapment updated', 'lift_fault raised', 'lift_fault cleared', 'lift_entrapment cleared']);
  });
});
