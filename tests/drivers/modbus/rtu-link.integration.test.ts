import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BusError } from '../../../edge/bus/bus-error.js';
import { createModbusLink, type ModbusLink } from '../../../edge/drivers/modbus/modbus-link.js';
import type { ModbusRequest } from '../../../edge/drivers/modbus/modbus-request.js';
import { silentLogger } from '../../../shared/log/logger.js';
import { fieldBus } from '../../bus/field-bus.js';
import { createPtyPair, type PtyPair } from '../../support/pty-pair.js';
import { openSerialPeer, type SerialPeer } from '../../support/serial-peer.js';

/**
 * The RTU link on one end of a socat pty pair, a scripted slave on the other: the exact bytes on the
 * wire, and every fault a real RS-485 line produces. Frames are the recomputed CRC vectors of
 * edge/drivers/modbus/README.md.
 */

const hex = (text: string) => Buffer.from(text.replace(/ /g, ''), 'hex');
const VOLTAGE_REQUEST = '01 04 00 00 00 02 71 CB';
const VOLTAGE_REPLY = '01 04 04 43 66 00 00 0E 1F'; // 230.0 V
const EXCEPTION_REPLY = '01 84 02 C2 C1'; // FC04 | 0x80, code 02 ILLEGAL DATA ADDRESS
const BAD_CRC_REPLY = '01 04 04 43 66 00 00 0E 20'; // the voltage reply with its CRC's high byte off by one

const READ_VOLTAGE: ModbusRequest = { unitId: 1, functionCode: 4, address: 0x0000, quantity: 2 };
const TIMEOUT_MS = 300;

let pty: PtyPair;
let slave: SerialPeer;
let link: ModbusLink;

beforeAll(async () => {
  pty = await createPtyPair();
  slave = await openSerialPeer(pty.b);
  const bus = fieldBus({ id: 'rs485_1', transport: 'serial', protocol: 'modbus_rtu', path: pty.a, baud_rate: 9600, parity: 'none', data_bits: 8, stop_bits: 1 });
  link = createModbusLink(bus, silentLogger());
  await link.open();
});

afterAll(async () => {
  await link?.close();
  await slave?.close();
  await pty?.stop();
});

async function failure(promise: Promise<unknown>): Promise<BusError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(BusError);
  return error as BusError;
}

/** A good transaction right after a fault: the link recovered on its own. */
async function expectGoodRead(): Promise<void> {
  slave.answer(() => hex(VOLTAGE_REPLY));
  await expect(link.execute(READ_VOLTAGE, TIMEOUT_MS)).resolves.toEqual({ functionCode: 4, registers: [0x4366, 0x0000] });
}

describe('modbus RTU link on a serial line', () => {
  it('sends the SDM voltage request of edge/drivers/modbus/README.md byte for byte and reads 230.0 V from the reply', async () => {
    slave.answer(() => hex(VOLTAGE_REPLY));
    const reply = await link.execute(READ_VOLTAGE, TIMEOUT_MS);
    expect((await slave.nextFrame()).toString('hex')).toBe(hex(VOLTAGE_REQUEST).toString('hex'));
    // 43 66 00 00 = 230.0 (ABCD)
    expect(reply).toEqual({ functionCode: 4, registers: [0x4366, 0x0000] });
  });

  it('reports an exception reply as exception 2, then reads again', async () => {
    slave.answer(() => hex(EXCEPTION_REPLY));
    const error = await failure(link.execute(READ_VOLTAGE, TIMEOUT_MS));
    expect(error).toMatchObject({ kind: 'exception', exceptionCode: 2 });
    await expectGoodRead();
  });

  it('reports a reply with a corrupted CRC as a checksum error, then reads again', async () => {
    slave.answer(() => hex(BAD_CRC_REPLY));
    const error = await failure(link.execute(READ_VOLTAGE, TIMEOUT_MS));
    expect(error.kind).toBe('checksum');
    await expectGoodRead();
  });

  it('times out on a slave that never answers, within about the timeout, then reads again', async () => {
    slave.answer(() => undefined);
    const started = Date.now();
    const error = await failure(link.execute(READ_VOLTAGE, TIMEOUT_MS));
    expect(error.kind).toBe('timeout');
    // Not before the timeout; and the library's own timer, set to this timeout, gave up, not the link's
    // settle guard at SETTLE_GUARD_MS later (both timers run in this process, so their order holds
    // however slow the machine is).
    expect(Date.now() - started).toBeGreaterThanOrEqual(TIMEOUT_MS - 20);
    expect(error.message).toMatch(/no reply in time$/);
    await expectGoodRead();
  });

  it('drops the bytes of a truncated reply instead of prefixing them to the next reply', async () => {
    // The slave stops after 4 of 9 bytes; the master times out. Left in the link's buffer, 01 04 04 43
    // would be read as the start of the next reply: 01 04 04 43 01 04 04 43 66, a CRC error.
    slave.answer(() => hex('01 04 04 43'));
    expect((await failure(link.execute(READ_VOLTAGE, 100))).kind).toBe('timeout');
    await expectGoodRead();
  });

  it('fails with a transport error when the adapter goes away, and opens again when it is back', async () => {
    await slave.close();
    await pty.stop();
    const error = await failure(link.execute(READ_VOLTAGE, TIMEOUT_MS));
    expect(error.kind).toBe('transport');
    expect(link.isOpen).toBe(false);
    expect((await failure(link.open())).kind).toBe('transport');

    await pty.restart();
    slave = await openSerialPeer(pty.b);
    await link.open();
    expect(link.isOpen).toBe(true);
    await expectGoodRead();
  });
});
