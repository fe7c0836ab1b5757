import type { BusConfig } from '../bus/bus-config.js';
import type { PolledProtocol, PolledProtocolName } from '../bus/polled-protocol.js';
import { modbusProtocol, parseModbusAddress } from './modbus/modbus-protocol.js';
import { dlt645Protocol, parseDlt645Address } from './dlt645/dlt645-protocol.js';
import { cjt188Protocol, parseCjt188Address } from './cjt188/cjt188-protocol.js';

export interface PolledProtocolEntry {
  implementation: PolledProtocol<unknown, unknown>;
  /** Throws an Error naming what is wrong with a device address on this bus. */
  parseAddress(address: string, bus: BusConfig): unknown;
}

/** The polled protocols, one folder each under edge/drivers/. */
export const POLLED_PROTOCOLS: Record<PolledProtocolName, PolledProtocolEntry> = {
  modbus: {
    implementation: modbusProtocol as PolledProtocol<unknown, unknown>,
    parseAddress: (address, bus) => parseModbusAddress(address, bus.transport),
  },
  dlt645: { implementation: dlt645Protocol as PolledProtocol<unknown, unknown>, parseAddress: (address) => parseDlt645Address(address) },
  cjt188: { implementation: cjt188Protocol as PolledProtocol<unknown, unknown>, parseAddress: (address) => parseCjt188Address(address) },
};
