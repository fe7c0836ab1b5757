import type { SerialLine } from './serial-line.js';

/**
 * One `protocol:` a bus of the gateway config may name (modbus_rtu, modbus_tcp, dlt645, ...), as a
 * protocol folder declares it in its manifest (edge/drivers/protocol-manifest.ts): the transport it
 * runs on and its defaults.
 */
export type BusKind = SerialBusKind | TcpBusKind;

interface BusKindCommon {
  protocol: string;
  /** Reply timeout of a device when neither it nor its bus sets one, in ms. */
  timeoutMs: number;
}

export interface SerialBusKind extends BusKindCommon {
  transport: 'serial';
  /** The line when neither the bus config nor the profiles of its devices say otherwise. */
  line: SerialLine;
}

export interface TcpBusKind extends BusKindCommon {
  transport: 'tcp';
  /** The protocol's registered port. */
  port: number;
}
