import type { Random } from '../random.js';
import { normal, uniform } from './draw.js';
import type { Home, WaterHeaterSpec } from './home.js';
import type { HomeLife } from './home-life.js';
import { MIN_PER_DAY } from './sim-time.js';

/** A span of simulated minutes [from, to). */
export interface MinuteSpan {
  from: number;
  to: number;
}

const AMBIENT_C = 20;
const INLET_C = 12;
/** Heat capacity of water: 4.186 kJ/(kg K) = 1.163 Wh/(L K). */
const WH_PER_LITRE_KELVIN = 1.163;
/** The night tariff a timed water heater waits for: 23:00-07:00 (peak-valley pricing). */
const NIGHT_TARIFF_FROM = 23 * 60;
const NIGHT_TARIFF_TO = 7 * 60;

/**
 * The home's electric power, W per minute: the standby base, the fridge (compressor cycles, defrost
 * heater after enough run time and a long recovery run after it), the water heater (a tank losing
 * heat and cooled by hot water drawn, reheated on its thermostat), the room heater's thermostat
 * while it is switched on, and the loads the people switch (home-life.ts). Nothing runs in a power
 * cut; the machines pick up from where the cut left them.
 */
export function renderPower(home: Home, life: HomeLife, random: Random, powerCuts: readonly MinuteSpan[]): Float32Array {
  const power = new Float32Array(life.minutes);
  const fridge = fridgeCycle(home, random);
  const heater = home.waterHeater ? waterHeater(home.waterHeater) : undefined;
  const roomHeater = thermostatCycle(random);
  let cut = 0;
  for (let m = 0; m < life.minutes; m++) {
    while (cut < powerCuts.length && powerCuts[cut]!.to <= m) cut++;
    const dark = cut < powerCuts.length && powerCuts[cut]!.from <= m;
    if (dark) {
      heater?.draw(life.hotWater[m]!, false, m);
      fridge.restart();
      continue;
    }
    let watts = home.baseW + normal(random, 0, 1.5) + fridge.step() + life.load[m]!;
    if (heater) watts += heater.draw(life.hotWater[m]!, true, m);
    if (home.roomHeaterW && life.roomHeaterOn[m]) watts += roomHeater.step() ? home.roomHeaterW : 0;
    else roomHeater.reset();
    power[m] = Math.max(0, watts);
  }
  return power;
}

function fridgeCycle(home: Home, random: Random) {
  const spec = home.fridge;
  let state: 'on' | 'off' | 'defrost' = 'off';
  let left = uniform(random, 0, spec.offMin);
  let runMin = uniform(random, 0, spec.defrost?.afterRunMin ?? 0);
  return {
    step(): number {
      if (left <= 0) {
        if (state === 'on' && spec.defrost && runMin >= spec.defrost.afterRunMin) {
          state = 'defrost';
          left = spec.defrost.minutes * uniform(random, 0.9, 1.1);
          runMin = 0;
        } else if (state === 'defrost') {
          state = 'on'; // recovery: the compartment warmed during the defrost
          left = spec.onMin * uniform(random, 1.5, 2.5);
        } else if (state === 'on') {
          state = 'off';
          left = spec.offMin * uniform(random, 0.8, 1.2);
        } else {
          state = 'on';
          left = spec.onMin * uniform(random, 0.8, 1.2);
        }
      }
      left--;
      if (state === 'on') {
        runMin++;
        return spec.compressorW * uniform(random, 0.97, 1.03);
      }
      return state === 'defrost' ? spec.defrost!.heaterW : 0;
    },
    /** After a power cut the compartment is warm: the compressor starts at once. */
    restart(): void {
      state = 'off';
      left = 0;
    },
  };
}

function waterHeater(spec: WaterHeaterSpec) {
  const capacityWhPerK = spec.tankL * WH_PER_LITRE_KELVIN;
  const lossWPerK = (spec.lossKwhPerDay * 1000) / 24 / (spec.setpointC - AMBIENT_C);
  let temperature = spec.setpointC - spec.hysteresisK / 2;
  let heating = false;
  return {
    /** One minute: hot water drawn (litres replaced by cold), standing loss, the element. Returns W. */
    draw(hotLitres: number, powered: boolean, minute: number): number {
      if (hotLitres > 0) temperature = (temperature * (spec.tankL - hotLitres) + INLET_C * hotLitres) / spec.tankL;
      temperature -= (lossWPerK * (temperature - AMBIENT_C)) / 60 / capacityWhPerK;
      const minuteOfDay = minute % MIN_PER_DAY;
      const allowed = powered && (spec.mode === 'always' || minuteOfDay >= NIGHT_TARIFF_FROM || minuteOfDay < NIGHT_TARIFF_TO);
      if (!allowed) {
        heating = false;
        return 0;
      }
      if (!heating && temperature <= spec.setpointC - spec.hysteresisK) heating = true;
      if (!heating) return 0;
      temperature += spec.powerW / 60 / capacityWhPerK;
      if (temperature >= spec.setpointC) heating = false;
      return spec.powerW;
    },
  };
}

/** A room heater's thermostat: on 8-20 min, off 8-25 min, while the heater is switched on. */
function thermostatCycle(random: Random) {
  let on = false;
  let left = 0;
  return {
    step(): boolean {
      if (left <= 0) {
        on = !on;
        left = on ? uniform(random, 8, 20) : uniform(random, 8, 25);
      }
      left--;
      return on;
    },
    reset(): void {
      on = false;
      left = 0;
    },
  };
}
