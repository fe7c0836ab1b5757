import type { Random } from '../../random.js';
import { SimulatedElectricityMeter, type ElectricityReading } from '../household-electricity.js';

/**
 * One emulated DL/T 645 meter: the household electricity model the Modbus meters use too
 * (standby, breakfast, lunch and evening peaks; energy integrating power, so it only grows), with
 * its energy counter moved to a chosen start and each reading held for a second of simulated time,
 * so the DIs of one poll (power, voltage, current read one after the other) agree: P = U x I x pf.
 */
const HOLD_MS = 1000;

export class EmulatedElectricityMeter {
  private readonly model: SimulatedElectricityMeter;
  private readonly energyOffsetKwh: number;
  private held: { atMs: number; reading: ElectricityReading } | undefined;

  constructor(
    readonly address: string,
    seed: number,
    startMs: number,
    private readonly noise: Random,
    startEnergyKwh?: number,
  ) {
    this.model = new SimulatedElectricityMeter(seed, startMs);
    const initial = this.model.read(startMs, noise).importEnergyKwh;
    this.energyOffsetKwh = startEnergyKwh === undefined ? 0 : startEnergyKwh - initial;
  }

  readingAt(nowMs: number): ElectricityReading {
    if (this.held && nowMs >= this.held.atMs && nowMs - this.held.atMs < HOLD_MS) return this.held.reading;
    const reading = this.model.read(Math.max(nowMs, this.held?.atMs ?? nowMs), this.noise);
    const shifted = {
      ...reading,
      importEnergyKwh: reading.importEnergyKwh + this.energyOffsetKwh,
      totalEnergyKwh: reading.totalEnergyKwh + this.energyOffsetKwh,
    };
    this.held = { atMs: nowMs, reading: shifted };
    return shifted;
  }
}
