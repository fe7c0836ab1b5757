import type { ModbusServerHandler, ServerAnswer } from '../../../drivers/modbus/modbus-server.js';
import type { ModbusTable } from '../../../drivers/modbus/modbus-profile.js';
import { systemClock, type Clock } from '../../../../shared/time/clock.js';
import { seededRandom, type Random } from '../../random.js';
import { SimulatedElectricityMeter } from '../household-electricity.js';
import { SimulatedWaterMeter } from '../household-water.js';
import { sdm120Image, tuf2000Image } from './meter-registers.js';

/** Exception 01 ILLEGAL FUNCTION, 02 ILLEGAL DATA ADDRESS (Modbus Application Protocol V1.1b3 §7). */
const ILLEGAL_FUNCTION = 1;
const ILLEGAL_DATA_ADDRESS = 2;

export interface MeterFleetOptions {
  /** Unit ids that answer; any other unit id stays silent, as an empty address on a bus does. */
  unitIds: Iterable<number>;
  clock?: Clock;
  /** Same seed, same noise. */
  seed?: number;
  utcOffsetMinutes?: number;
  /** Unit ids that never answer (a dead meter); also settable later through faults. */
  deadUnitIds?: Iterable<number>;
  /** Unit ids that answer every request with an exception (default code 2); also settable later. */
  exceptionUnitIds?: Iterable<number>;
  exceptionCode?: number;
}

/** Faults a test switches on and off while the server runs. */
export interface MeterFaults {
  /** The unit stops answering (a dead meter on the bus). */
  kill(unitId: number): void;
  /** The unit answers again, normally. */
  revive(unitId: number): void;
  /** The unit answers every request with exception `code` (2 ILLEGAL DATA ADDRESS by default). */
  failWith(unitId: number, code?: number): void;
  /** The household of the unit stops using power and water (its resident fell): standby load only. */
  leaveUnattended(unitId: number): void;
}

interface Household {
  electricity: SimulatedElectricityMeter;
  water: SimulatedWaterMeter;
}

/**
 * Every unit id of a server as one household with an SDM120-like electricity meter (input
 * registers, FC04) and a TUF-2000-like water meter (holding registers, FC03). Households are made on
 * their first read, so a port with 100 unit ids costs nothing until polled.
 */
export class SimulatedMeterFleet implements ModbusServerHandler, MeterFaults {
  private readonly unitIds: Set<number>;
  private readonly dead: Set<number>;
  private readonly failing = new Map<number, number>();
  private readonly households = new Map<number, Household>();
  private readonly clock: Clock;
  private readonly noise: Random;

  constructor(private readonly options: MeterFleetOptions) {
    this.unitIds = new Set(options.unitIds);
    this.dead = new Set(options.deadUnitIds ?? []);
    for (const unitId of options.exceptionUnitIds ?? []) this.failing.set(unitId, options.exceptionCode ?? ILLEGAL_DATA_ADDRESS);
    this.clock = options.clock ?? systemClock;
    this.noise = seededRandom(options.seed ?? 645);
  }

  kill(unitId: number): void {
    this.dead.add(unitId);
  }

  revive(unitId: number): void {
    this.dead.delete(unitId);
    this.failing.delete(unitId);
  }

  failWith(unitId: number, code = ILLEGAL_DATA_ADDRESS): void {
    this.failing.set(unitId, code);
  }

  leaveUnattended(unitId: number): void {
    const now = this.clock.now();
    const household = this.household(unitId, now);
    household.electricity.leaveUnattended(now);
    household.water.leaveUnattended(now);
  }

  read(table: ModbusTable, address: number, length: number, unitId: number): ServerAnswer<readonly number[]> {
    if (!this.unitIds.has(unitId) || this.dead.has(unitId)) return 'silent';
    const failure = this.failing.get(unitId);
    if (failure !== undefined) return { exception: failure };
    const now = this.clock.now();
    if (table === 'input_register') return slice(sdm120Image(this.household(unitId, now).electricity.read(now, this.noise)), address, length);
    if (table === 'holding_register') return slice(tuf2000Image(this.household(unitId, now).water.read(now)), address, length);
    return { exception: ILLEGAL_FUNCTION };
  }

  private household(unitId: number, now: number): Household {
    let household = this.households.get(unitId);
    if (!household) {
      const seed = (this.options.seed ?? 0) * 1000 + unitId;
      household = {
        electricity: new SimulatedElectricityMeter(seed, now, this.options.utcOffsetMinutes),
        water: new SimulatedWaterMeter(seed, now, this.options.utcOffsetMinutes),
      };
      this.households.set(unitId, household);
    }
    return household;
  }
}

/** Registers address .. address + length - 1 of an image, or exception 2 past its end. */
function slice(image: Uint16Array, address: number, length: number): ServerAnswer<readonly number[]> {
  if (address + length > image.length) return { exception: ILLEGAL_DATA_ADDRESS };
  return Array.from(image.subarray(address, address + length));
}
