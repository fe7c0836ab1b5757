import { describe, expect, it } from 'vitest';
import { estimateBusLoad } from '../../../../edge/bus/bus-load.js';
import { interFrameGapMs } from '../../../../edge/bus/bus-timing.js';
import { modbusProtocol } from '../../../../edge/drivers/modbus/modbus-protocol.js';
import type { PolledDevice } from '../../../../edge/bus/polled-device.js';
import type { PolledDeviceProfile } from '../../../../edge/profiles/polled-profile.js';
import { fieldBus } from '../../../bus/field-bus.js';

const sdm120Line = fieldBus({ id: 'rs485-1', transport: 'serial', protocol: 'modbus_rtu', path: '/dev/serial/by-id/x', baud_rate: 2400, parity: 'none' });

function meter(pollIntervalMs: number): PolledDevice {
  return { id: 'm', subject: { kind: 'unit', id: 'hh-1' }, profile: {} as PolledDeviceProfile, busId: 'rs485-1', address: '1', pollIntervalMs, timeoutMs: 1000, retries: 0 };
}

describe('bus timing and load (edge/bus/README.md, what a serial line can carry)', () => {
  it('keeps t3.5 of silence between frames', () => {
    // 2400 8N1: 3.5 x 10 bits / 2400 = 14.583 ms; 9600 8E1: 3.5 x 11 / 9600 = 4.010 ms; above 19200: 1.75 ms.
    expect(interFrameGapMs(sdm120Line)).toBeCloseTo(14.583, 3);
    expect(interFrameGapMs(fieldBus({ id: 'b', transport: 'serial', protocol: 'modbus_rtu', path: '/x' }))).toBeCloseTo(4.01, 2);
    expect(interFrameGapMs(fieldBus({ id: 'b', transport: 'serial', protocol: 'modbus_rtu', path: '/x', baud_rate: 115_200 }))).toBe(1.75);
  });

  it('finds a 2400-baud SDM120 line full at ten 2-register reads a second', () => {
    // (8 + 9 bytes) x 4.167 ms + 2 x 14.583 ms + 5 ms turnaround = 105 ms per read.
    const step = { request: null, points: ['voltage'], decode: () => [], wireBytes: { request: 8, reply: 9 } };
    const load = estimateBusLoad(sdm120Line, modbusProtocol.typicalTurnaroundMs, [{ device: meter(100), steps: [step] }]);
    expect(load.transactionsPerSecond).toBe(10);
    expect(load.utilisation).toBeCloseTo(1.05, 2);
    expect(estimateBusLoad(sdm120Line, modbusProtocol.typicalTurnaroundMs, [{ device: meter(30_000), steps: [step] }]).utilisation).toBeLessThan(0.01);
  });
});
