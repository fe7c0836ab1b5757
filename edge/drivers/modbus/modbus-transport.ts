import type { ModbusReply, ModbusRequest } from './modbus-request.js';

/**
 * The thin seam between the link and the Modbus library (edge/drivers/README.md): the link's promises,
 * error kinds and guards are tested against a fake transport with no port; the one implementation
 * over modbus-serial (modbus-serial-transport.ts) is tested against real peers.
 */
export interface ModbusTransport {
  readonly isOpen: boolean;
  /** Opens the port or connection; rejects with the library's error. */
  open(): Promise<void>;
  /** One transaction; rejects with the library's error, unmapped (modbus-error-kind.ts maps it). */
  transact(request: ModbusRequest, timeoutMs: number): Promise<ModbusReply>;
  /** Releases the port or socket; safe when not open. */
  close(): Promise<void>;
  /** Called when the port or connection goes away by itself (adapter unplugged, peer reset). */
  onLost(listener: (cause: Error) => void): void;
}

/** Where a transport connects: a serial line for RTU, or a Modbus TCP endpoint. */
export type ModbusTarget =
  | { kind: 'rtu'; path: string; baudRate: number; dataBits: 7 | 8; parity: 'none' | 'even' | 'odd'; stopBits: 1 | 2 }
  | { kind: 'tcp'; host: string; port: number; connectTimeoutMs: number };

export function describeTarget(target: ModbusTarget): string {
  if (target.kind === 'tcp') return `modbus tcp ${target.host}:${target.port}`;
  const parity = target.parity === 'none' ? 'N' : target.parity === 'even' ? 'E' : 'O';
  return `modbus rtu ${target.path} ${target.baudRate} ${target.dataBits}${parity}${target.stopBits}`;
}
