import { encodeRegisters } from '../../../drivers/modbus/register-codec.js';
import type { ElectricityReading } from '../household-electricity.js';
import type { WaterReading } from '../household-water.js';

/**
 * Register images of the simulated meters, laid out as the real devices do
 * (edge/drivers/modbus/README.md, register maps): every unit id answers FC04 with an SDM120 map and
 * FC03 with a TUF-2000 map. Unused registers inside a map read 0, as on the Eastron meters a
 * 76-register read spans them.
 */

/** SDM120 input registers 30001 .. 30344 (wire 0x0000 .. 0x0157). */
export const SDM120_INPUT_REGISTERS = 0x0158;
/** TUF-2000 holding registers REG0001 .. REG0018 (wire 0x0000 .. 0x0011). */
export const TUF2000_HOLDING_REGISTERS = 0x0012;

/** float32 ABCD: 230.0 -> 0x4366 0x0000. */
function putFloat(image: Uint16Array, address: number, value: number): void {
  const [high, low] = encodeRegisters(Math.fround(value), 'float32', 'ABCD');
  image[address] = high!;
  image[address + 1] = low!;
}

/** LONG, low word first (CDAB) as the TUF-2000F user manual §5.1 reads (UNVERIFIED on hardware). */
function putLong(image: Uint16Array, address: number, value: number): void {
  const [first, second] = encodeRegisters(value | 0, 'int32', 'CDAB');
  image[address] = first!;
  image[address + 1] = second!;
}

/** SDM120 map (Eastron SDM120 Modbus protocol V2.4): float32 ABCD values at their wire addresses. */
export function sdm120Image(reading: ElectricityReading): Uint16Array {
  const image = new Uint16Array(SDM120_INPUT_REGISTERS);
  putFloat(image, 0x0000, reading.voltage);
  putFloat(image, 0x0006, reading.current);
  putFloat(image, 0x000c, reading.activePower);
  putFloat(image, 0x0012, reading.apparentPower);
  putFloat(image, 0x0018, reading.reactivePower);
  putFloat(image, 0x001e, reading.powerFactor);
  putFloat(image, 0x0046, reading.frequency);
  putFloat(image, 0x0048, reading.importEnergyKwh);
  putFloat(image, 0x004a, reading.exportEnergyKwh);
  putFloat(image, 0x0156, reading.totalEnergyKwh);
  return image;
}

/**
 * TUF-2000 map (TUF-2000F user manual §5.1) with the totalizer set to 1 L per count (multiplier
 * x0.001 m3), as device-profiles/tuf2000_flow_meter.yaml assumes.
 */
export function tuf2000Image(reading: WaterReading): Uint16Array {
  const image = new Uint16Array(TUF2000_HOLDING_REGISTERS);
  putFloat(image, 0x0000, reading.flowRateM3h); // REG0001 flow rate m3/h
  putFloat(image, 0x0002, 0); // REG0003 energy flow rate GJ/h: water, no heat
  putFloat(image, 0x0004, reading.velocityMs); // REG0005 velocity m/s
  putFloat(image, 0x0006, 1482); // REG0007 sound speed in water at 20 C, m/s
  putLong(image, 0x0008, reading.forwardLitres); // REG0009 positive accumulator
  putFloat(image, 0x000a, reading.forwardFraction); // REG0011 its decimal fraction
  putLong(image, 0x000c, reading.reverseLitres); // REG0013 negative accumulator
  putFloat(image, 0x000e, 0); // REG0015 its fraction
  putLong(image, 0x0010, 0); // REG0017 positive energy accumulator
  return image;
}
