import { toWireTime } from '../../../shared/contract/index.js';
import type { EngineInput } from '../../../edge/rules/engine/engine-input.js';
import type { Random } from '../../../edge/simulator/random.js';
import { doorEvent, gateCard, METER_POLL_MS, powerFrame, waterFrame, type Home } from '../care/harness.js';
import type { Act } from './acts.js';

/**
 * What the gateway receives from one home over a period, from what happens in it (acts.ts): door
 * events when they happen; a CJ/T 188 water meter (counter in m3, 1 L resolution) and an SDM120
 * (active power W, import energy kWh) polled every 5 minutes, on a base load of 50 W and a fridge
 * compressor of 85 W cycling 15 minutes on, 25 off. The meters report whether or not anything
 * changed: their frames are the keep-alives a rule must not take for activity.
 */
export interface HomeOptions {
  /** Meters that die: no frames in [from, to), the driver reports them offline, then online. */
  meterDown?: Array<{ deviceId: string; from: number; to?: number }>;
  random: Random;
}

const MIN = 60_000;
const BASE_LOAD_W = 50;
const FRIDGE_W = 85;
const FRIDGE_ON_MIN = 15;
const FRIDGE_CYCLE_MIN = 40;

export function homeInputs(home: Home & { hasWater: boolean; hasPower: boolean }, acts: readonly Act[], start: number, end: number, options: HomeOptions): EngineInput[] {
  const minutes = Math.round((end - start) / MIN);
  const water = new Float64Array(minutes + 1);
  const power = new Float64Array(minutes + 1);
  const fridgePhase = Math.floor(options.random() * FRIDGE_CYCLE_MIN);
  for (let minute = 0; minute <= minutes; minute++) {
    power[minute] = BASE_LOAD_W + ((minute + fridgePhase) % FRIDGE_CYCLE_MIN < FRIDGE_ON_MIN ? FRIDGE_W : 0);
  }
  const inputs: EngineInput[] = [];
  for (const act of acts) {
    if (act.at < start || act.at >= end) continue;
    const first = Math.floor((act.at - start) / MIN);
    if (act.kind === 'water' || act.kind === 'appliance') {
      for (let minute = first; minute < Math.min(first + act.minutes, minutes + 1); minute++) {
        if (act.kind === 'water') water[minute]! += act.litres / act.minutes;
        else power[minute]! += act.watts;
      }
    } else if (act.kind === 'door') {
      inputs.push({ kind: 'event', item: doorEvent(home.door, act.at, act.type, act.who === 'resident' ? {} : { person_role: act.who }) });
    } else {
      inputs.push({ kind: 'event', item: gateCard(act.at, act.credentialRef, act.direction) });
    }
  }

  const down = (deviceId: string, time: number) => (options.meterDown ?? []).some((outage) => outage.deviceId === deviceId && time >= outage.from && time < (outage.to ?? Number.POSITIVE_INFINITY));
  let litres = 1000 * (120 + 300 * options.random());
  let kwh = 800 + 4000 * options.random();
  let minute = 0;
  for (let time = start; time < end; time += METER_POLL_MS) {
    const until = Math.round((time - start) / MIN);
    for (; minute < until; minute++) {
      litres += water[minute]!;
      kwh += power[minute]! / 60 / 1000;
    }
    const spot = power[until]! + (options.random() - 0.5) * 4;
    if (home.hasWater && !down(home.water.id, time)) inputs.push({ kind: 'readings', frame: waterFrame(home.water, time, Math.floor(litres) / 1000) });
    if (home.hasPower && !down(home.power.id, time)) inputs.push({ kind: 'readings', frame: powerFrame(home.power, time, Math.round(spot * 10) / 10, Math.round(kwh * 1000) / 1000) });
  }
  for (const outage of options.meterDown ?? []) {
    // The driver gives up on the first unanswered poll and says so; it says so again when the meter answers.
    inputs.push({ kind: 'availability', device_id: outage.deviceId, online: false, reason: 'no_response', at: toWireTime(outage.from + 3_000) });
    if (outage.to !== undefined) inputs.push({ kind: 'availability', device_id: outage.deviceId, online: true, at: toWireTime(outage.to - 1_000) });
  }
  return inputs;
}
