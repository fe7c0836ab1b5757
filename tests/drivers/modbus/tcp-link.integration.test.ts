import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BusError } from '../../../edge/bus/bus-error.js';
import { fieldBus } from '../../bus/field-bus.js';
import { createModbusLink, type ModbusLink } from '../../../edge/drivers/modbus/modbus-link.js';
import type { ModbusRequest } from '../../../edge/drivers/modbus/modbus-request.js';
import { startModbusTcpMeterServer, type RunningMeterServer } from '../../../edge/simulator/meters/modbus/modbus-meter-server.js';
import { silentLogger } from '../../../shared/log/logger.js';
import { freePort } from '../../support/net.js';

/**
 * The TCP link's faults against the simulated meters: a refused connection, a server that goes away
 * and comes back, a dead unit id and an exception-answering unit id behind one endpoint. After each
 * fault the next good request on the same link works.
 */

const TIMEOUT_MS = 300;
const readVoltage = (unitId: number): ModbusRequest => ({ unitId, functionCode: 4, address: 0x0000, quantity: 2 });

let port: number;
let server: RunningMeterServer | undefined;
let link: ModbusLink;

const startServer = () => startModbusTcpMeterServer({ port, unitIds: [1, 2, 3, 4, 5] });

async function failure(promise: Promise<unknown>): Promise<BusError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(BusError);
  return error as BusError;
}

async function expectGoodRead(unitId = 1): Promise<void> {
  const reply = await link.execute(readVoltage(unitId), TIMEOUT_MS);
  expect(reply.registers).toHaveLength(2);
}

beforeAll(async () => {
  port = await freePort();
  const bus = fieldBus({ id: 'tcp_1', transport: 'tcp', protocol: 'modbus_tcp', host: '127.0.0.1', port });
  link = createModbusLink(bus, silentLogger());
});

afterAll(async () => {
  await link?.close();
  await server?.stop();
});

describe('modbus TCP link', () => {
  it('fails open() with a transport error while the connection is refused, and opens once the server is up', async () => {
    const error = await failure(link.open());
    expect(error.kind).toBe('transport');
    expect(error.message).toMatch(/ECONNREFUSED/);
    server = await startServer();
    await link.open();
    expect(link.isOpen).toBe(true);
    await expectGoodRead();
  });

  it('answers many unit ids on one port', async () => {
    for (const unitId of [1, 2, 3, 4, 5]) await expectGoodRead(unitId);
  });

  it('times out on a dead unit id within about the timeout, then reads the others', async () => {
    server!.faults.kill(4);
    const started = Date.now();
    const error = await failure(link.execute(readVoltage(4), TIMEOUT_MS));
    expect(error.kind).toBe('timeout');
    // Not before the timeout; and the library's own timer, set to this timeout, gave up, not the link's
    // settle guard at SETTLE_GUARD_MS later (both timers run in this process, so their order holds
    // however slow the machine is).
    expect(Date.now() - started).toBeGreaterThanOrEqual(TIMEOUT_MS - 20);
    expect(error.message).toMatch(/no reply in time$/);
    await expectGoodRead(1);
    server!.faults.revive(4);
    await expectGoodRead(4);
  });

  it('reports an exception-answering unit id as exception 2, then reads again', async () => {
    server!.faults.failWith(3, 2);
    expect(await failure(link.execute(readVoltage(3), TIMEOUT_MS))).toMatchObject({ kind: 'exception', exceptionCode: 2 });
    await expectGoodRead(1);
    server!.faults.revive(3);
  });

  it('reports a server that goes away as a transport error, and opens again when it is back', async () => {
    await server!.stop();
    server = undefined;
    // The reset may reach the client before or during the request: either way a transport error.
    expect((await failure(link.execute(readVoltage(1), TIMEOUT_MS))).kind).toBe('transport');
    expect(link.isOpen).toBe(false);
    expect((await failure(link.open())).kind).toBe('transport');
    server = await startServer();
    await link.open();
    await expectGoodRead();
  });
});
