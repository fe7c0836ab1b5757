"""A real Modbus peer for the driver's tests: pymodbus 3.0 (Debian python3-pymodbus) serving known
register values over Modbus TCP or Modbus RTU on a serial path (one end of a socat pty pair).

    /usr/bin/python3 pymodbus_server.py tcp <port>
    /usr/bin/python3 pymodbus_server.py rtu <serial path>

Prints READY on stdout once it serves. Unit 1 holds an SDM120-like map (input registers, float32
ABCD) and a TUF-2000-like map (holding registers, LONG low word first); unit 2 a lift monitor map
(device-profiles/lift_monitor_modbus_vendor.yaml). Other unit ids never answer
(ignore_missing_slaves), like an empty address on a bus. The values are mirrored in
pymodbus-fixture.ts.
"""
import asyncio
import sys

from pymodbus.datastore import ModbusSequentialDataBlock, ModbusServerContext, ModbusSlaveContext
from pymodbus.server import StartAsyncSerialServer, StartAsyncTcpServer
from pymodbus.transaction import ModbusRtuFramer


def block(size, values):
    """A zero-based block of `size` words (or bits) with {address: value} set."""
    data = [0] * size
    for address, value in values.items():
        data[address] = value
    return ModbusSequentialDataBlock(0, data)


def meter_unit():
    return ModbusSlaveContext(
        zero_mode=True,
        ir=block(0x158, {
            0x0000: 0x4366, 0x0001: 0x0000,  # voltage 230.0 = 43 66 00 00
            0x0006: 0x40A0, 0x0007: 0x0000,  # current 5.0 = 40 A0 00 00
            0x000C: 0x448A, 0x000D: 0x0000,  # active power 1104.0 = 44 8A 00 00
            0x001E: 0x3F75, 0x001F: 0xC28F,  # power factor 0.96 = 3F 75 C2 8F
            0x0046: 0x4248, 0x0047: 0x0000,  # frequency 50.0 = 42 48 00 00
            0x0048: 0x449A, 0x0049: 0x51EC,  # import energy 1234.56 = 44 9A 51 EC
            0x0156: 0x449A, 0x0157: 0x51EC,  # total energy 1234.56
        }),
        hr=block(0x20, {
            0x0000: 0x3FC0, 0x0001: 0x0000,  # flow rate 1.5 = 3F C0 00 00
            0x0008: 0xE240, 0x0009: 0x0001,  # forward total 123456 = 0x0001E240, CDAB: E2 40 00 01
            0x000A: 0x3E80, 0x000B: 0x0000,  # fraction 0.25 = 3E 80 00 00
            0x000C: 0xFFFE, 0x000D: 0xFFFF,  # reverse total -2 = 0xFFFFFFFE, CDAB: FF FE FF FF
        }),
        co=block(16, {0: 1, 2: 1, 3: 1, 7: 1, 8: 1}),
        di=block(16, {1: 1}),
    )


def lift_unit():
    return ModbusSlaveContext(
        zero_mode=True,
        ir=block(16, {
            0x0000: 0b11110,  # not running, in door zone, doors locked, passenger, power normal
            0x0001: 0,  # direction none
            0x0002: 0xFFFF,  # car position -1 (int16)
            0x0003: 1,  # service mode normal
            0x0004: 7,  # vendor fault 7: trapped at a landing
            0x0006: 0x0001, 0x0007: 0x1170,  # run count 70000 = 0x00011170
        }),
        di=block(16, {0: 1}),  # alarm button pressed
        hr=block(16, {}),
        co=block(16, {}),
    )


async def main(mode, where):
    context = ModbusServerContext(slaves={1: meter_unit(), 2: lift_unit()}, single=False)
    if mode == "tcp":
        server = await StartAsyncTcpServer(
            context=context, address=("127.0.0.1", int(where)), defer_start=True, ignore_missing_slaves=True,
            allow_reuse_address=True,
        )
        task = asyncio.create_task(server.serve_forever())
        await server.serving
    elif mode == "rtu":
        server = await StartAsyncSerialServer(
            context=context, framer=ModbusRtuFramer, port=where, baudrate=9600, bytesize=8, parity="N",
            stopbits=1, defer_start=True, ignore_missing_slaves=True,
        )
        await server.start()
        if server.transport is None:
            raise SystemExit(f"cannot open serial port {where}")
        task = asyncio.create_task(server.serve_forever())
    else:
        raise SystemExit(f"unknown mode {mode}: use tcp <port> or rtu <path>")
    print("READY", flush=True)
    await task


if __name__ == "__main__":
    if len(sys.argv) != 3:
        raise SystemExit(__doc__)
    asyncio.run(main(sys.argv[1], sys.argv[2]))
