import type { Random } from '../random.js';
import { chance, pick, uniform } from './draw.js';

/**
 * The appliances of a home and their electrical character, as found in Chinese flats: every home has
 * a fridge (a compressor of 100-150 W cycling; frost-free ones run a 300-450 W defrost heater after
 * 8-12 h of compressor run time); many have an electric storage water heater (1.5-3 kW, 50-80 L)
 * that reheats on its thermostat day and night, or one on a timer that heats in the night tariff
 * from 23:00; a kettle of 1.5-2.2 kW, a rice cooker of 500-800 W with a keep-warm of 30-60 W, a TV
 * of 60-120 W, LED lights, a washing machine, and in winter often a 1-2 kW room heater with its own
 * thermostat. The meters are what the estate installed: a CJ/T 188 water meter counting in 10 L
 * steps (0.01 m3; a few newer ones in 1 L steps) and a DL/T 645 electricity meter.
 */
export interface Home {
  /** Router, standby and the like, W. */
  baseW: number;
  fridge: { compressorW: number; onMin: number; offMin: number; defrost?: { heaterW: number; minutes: number; afterRunMin: number } };
  waterHeater?: WaterHeaterSpec;
  kettleW?: number;
  riceCookerW?: number;
  microwaveW?: number;
  inductionW?: number;
  tvW: number;
  lightW: number;
  washer?: { motorW: number; heaterW?: number };
  /** A room heater she switches on in winter; its thermostat cycles it. */
  roomHeaterW?: number;
  hairDryerW?: number;
  /** A full flush of the toilet cistern, litres (6 L dual-flush; 9 L in older flats). */
  flushL: number;
  /** Litres per count of the water meter. */
  waterStepL: number;
  /** The door controller sends a heartbeat this often (minutes), if it has one. */
  doorHeartbeatMin?: number;
  /** The door has an exit button (REX) pressed on the way out. */
  doorExitButton: boolean;
}

export interface WaterHeaterSpec {
  /** always: thermostat day and night; timed: only in the night tariff, 23:00-07:00. */
  mode: 'always' | 'timed';
  powerW: number;
  tankL: number;
  setpointC: number;
  hysteresisK: number;
  /** Standing loss at the setpoint, kWh a day. */
  lossKwhPerDay: number;
}

export function drawHome(random: Random): Home {
  const heaterKind = random();
  const waterHeater: WaterHeaterSpec | undefined =
    heaterKind < 0.6
      ? {
          mode: heaterKind < 0.42 ? 'always' : 'timed',
          powerW: Math.round(pick(random, [1500, 2000, 2000, 2500, 3000]) * uniform(random, 0.97, 1.03)),
          tankL: pick(random, [50, 60, 60, 80]),
          setpointC: Math.round(uniform(random, 55, 75)),
          hysteresisK: uniform(random, 3, 8),
          lossKwhPerDay: uniform(random, 0.9, 1.6),
        }
      : undefined;
  return {
    baseW: uniform(random, 15, 60),
    fridge: {
      compressorW: uniform(random, 100, 150),
      onMin: uniform(random, 10, 20),
      offMin: uniform(random, 20, 40),
      ...(chance(random, 0.75) ? { defrost: { heaterW: uniform(random, 300, 450), minutes: uniform(random, 15, 25), afterRunMin: uniform(random, 8, 12) * 60 } } : {}),
    },
    ...(waterHeater ? { waterHeater } : {}),
    ...(chance(random, 0.85) ? { kettleW: uniform(random, 1500, 2200) } : {}),
    ...(chance(random, 0.75) ? { riceCookerW: uniform(random, 500, 800) } : {}),
    ...(chance(random, 0.5) ? { microwaveW: uniform(random, 800, 1200) } : {}),
    ...(chance(random, 0.35) ? { inductionW: uniform(random, 1200, 2000) } : {}),
    tvW: uniform(random, 60, 120),
    lightW: uniform(random, 15, 50),
    ...(chance(random, 0.75) ? { washer: { motorW: uniform(random, 200, 450), ...(chance(random, 0.3) ? { heaterW: uniform(random, 1800, 2100) } : {}) } } : {}),
    ...(chance(random, 0.5) ? { roomHeaterW: pick(random, [1000, 1500, 2000]) * uniform(random, 0.97, 1.03) } : {}),
    ...(chance(random, 0.4) ? { hairDryerW: uniform(random, 1000, 1800) } : {}),
    flushL: pick(random, [6, 6, 9]) * uniform(random, 0.9, 1.1),
    waterStepL: chance(random, 0.85) ? 10 : 1,
    ...(chance(random, 0.4) ? { doorHeartbeatMin: pick(random, [5, 10]) } : {}),
    doorExitButton: chance(random, 0.5),
  };
}
