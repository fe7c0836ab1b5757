import type { PolledProtocolManifest } from '../protocol-manifest.js';
import { ModbusDeviceProfileSchema, type ModbusDeviceProfile } from './modbus-profile.js';
import { modbusProtocol, parseModbusAddress } from './modbus-protocol.js';

/**
 * Modbus RTU on RS-485 lines and Modbus TCP. RTU defaults to 9600 baud with even parity, the
 * default Modbus over Serial Line V1.02 §2.5.1 asks for; meters that ship otherwise (Eastron
 * SDM120: 2400 8N1) say so in their profile's `factory_line:` (edge/drivers/settle-buses.ts). A 1 s reply timeout covers a read of 76 registers at
 * 2400 baud 8N1: 165 bytes x 4.17 ms = 690 ms on the wire. TCP uses port 502, registered for Modbus.
 */
export const modbusManifest: PolledProtocolManifest<ModbusDeviceProfile> = {
  kind: 'polled',
  name: 'modbus',
  profileSchema: ModbusDeviceProfileSchema,
  buses: [
    { protocol: 'modbus_rtu', transport: 'serial', line: { baudRate: 9600, dataBits: 8, parity: 'even', stopBits: 1 }, timeoutMs: 1000 },
    { protocol: 'modbus_tcp', transport: 'tcp', port: 502, timeoutMs: 1000 },
  ],
  polled: modbusProtocol,
  parseAddress: (address, bus) => parseModbusAddress(address, bus.transport),
};
