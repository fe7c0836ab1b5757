import { startModbusTcpServer, type RunningModbusServer } from '../../edge/drivers/modbus/modbus-server.js';
import type { ModbusTable } from '../../edge/drivers/modbus/modbus-profile.js';

/**
 * Status word of the vendor Modbus lift monitor (device-profiles/lift_monitor_modbus_vendor.yaml):
 * bit 1 door zone, bit 2 doors closed and locked, bit 3 someone in the car, bit 4 mains normal.
 * Parked: stopped at a landing, doors closed, empty car (2 + 4 + 16 = 22). Trapped: the same with
 * someone inside (22 + 8 = 30), the in-door-zone, doors-closed stop of the entrapment rule. The doors
 * never move, so no door-cycling fault is counted.
 */
export const PARKED = 22;
export const TRAPPED = 30;

export interface AlarmRead {
  unit: number;
  /** Date.now() of this process. */
  at: number;
  pressed: boolean;
}

/**
 * Modbus TCP lift monitors of the vendor profile, served from this process, one per unit id. Their
 * alarm state lives in the device: a press holds the alarm button (discrete input 0) and a trapped
 * passenger until the test releases both, and every gateway poll meanwhile reads them. Every read of
 * the alarm button is logged and can be waited for, so a test knows which polls saw a press.
 */
export class ModbusLiftMonitors {
  readonly alarmReads: AlarmRead[] = [];
  private readonly pressed = new Set<number>();
  private waiters: Array<{ test: (read: AlarmRead) => boolean; resolve: (read: AlarmRead) => void }> = [];

  private constructor(readonly server: RunningModbusServer & { port: number }) {}

  static async start(): Promise<ModbusLiftMonitors> {
    let monitors: ModbusLiftMonitors | undefined;
    const server = await startModbusTcpServer({
      host: '127.0.0.1',
      port: 0,
      handler: { read: (table, address, length, unit) => monitors!.read(table, address, length, unit) },
    });
    monitors = new ModbusLiftMonitors(server);
    return monitors;
  }

  get port(): number {
    return this.server.port;
  }

  press(unit: number): void {
    this.pressed.add(unit);
  }

  release(unit: number): void {
    this.pressed.delete(unit);
  }

  /** Resolves at the next read of the alarm button that passes the test. */
  nextRead(test: (read: AlarmRead) => boolean): Promise<AlarmRead> {
    return new Promise((resolve) => this.waiters.push({ test, resolve }));
  }

  stop(): Promise<void> {
    return this.server.stop();
  }

  private read(table: ModbusTable, address: number, length: number, unit: number): readonly number[] | { exception: number } {
    const pressed = this.pressed.has(unit);
    if (table === 'discrete_input' && address === 0 && length === 1) {
      const read = { unit, at: Date.now(), pressed };
      this.alarmReads.push(read);
      const due = this.waiters.filter((waiter) => waiter.test(read));
      this.waiters = this.waiters.filter((waiter) => !due.includes(waiter));
      for (const waiter of due) waiter.resolve(read);
      return [pressed ? 1 : 0];
    }
    if (table === 'input_register' && address + length <= 8) {
      // status word, direction, floor, service mode (1 normal), vendor fault code, unused, run count (uint32 ABCD)
      const registers = [pressed ? TRAPPED : PARKED, 0, 3, 1, 0, 0, 0, 1000 + unit];
      return registers.slice(address, address + length);
    }
    return { exception: 2 }; // ILLEGAL DATA ADDRESS
  }
}
