import { z } from 'zod';
import { LocalIdSchema } from '../../shared/contract/index.js';
import type { PolledProtocolName } from './polled-protocol.js';

/**
 * The field buses of a gateway: RS-485 lines on serial ports, and Modbus TCP endpoints. Each bus runs
 * one transaction at a time (edge/bus/bus-scheduler.ts).
 */

/** Wire protocol of a bus, and the driver folder that speaks it. */
export const BUS_PROTOCOLS = {
  modbus_rtu: 'modbus',
  modbus_tcp: 'modbus',
  dlt645: 'dlt645',
  cjt188: 'cjt188',
} as const satisfies Record<string, PolledProtocolName>;
export type BusProtocol = keyof typeof BUS_PROTOCOLS;

/**
 * Serial defaults per protocol. Modbus over Serial Line asks for even parity (protocols.md 1.1);
 * DL/T 645 and CJ/T 188 meters answer at 2400 baud 8E1 (protocols.md 3.1, 4.1). Meters that differ
 * (Eastron ships 2400 8N1) say so in the bus config.
 */
export const SERIAL_DEFAULTS = {
  modbus_rtu: { baud_rate: 9600, parity: 'even' },
  dlt645: { baud_rate: 2400, parity: 'even' },
  cjt188: { baud_rate: 2400, parity: 'even' },
} as const;

/**
 * Reply timeouts per protocol, in ms. DL/T 645 meters may take up to 500 ms to start answering
 * (protocols.md 3.1, Td <= 500 ms) and a 2400-baud reply of 20 bytes takes another 92 ms; a Modbus
 * read of 76 registers at 2400 baud 8N1 takes 690 ms on the wire alone (165 bytes x 4.17 ms).
 */
export const DEFAULT_TIMEOUT_MS: Record<BusProtocol, number> = {
  modbus_rtu: 1000,
  modbus_tcp: 1000,
  dlt645: 1500,
  cjt188: 1500,
};

/** Longest wait between attempts to reopen a port or connection that failed, in ms. */
export const DEFAULT_REOPEN_BACKOFF_MAX_MS = 30_000;
/** Longest poll backoff of a device that does not answer, in seconds. */
export const DEFAULT_DEVICE_BACKOFF_MAX_S = 300;
/** Writes waiting for a bus, at most; one more is refused with an error, never dropped silently. */
export const DEFAULT_MAX_PENDING_WRITES = 32;

const commonBusFields = {
  id: LocalIdSchema,
  /** Reply timeout of every device on the bus unless the device sets its own. */
  timeout_ms: z.number().int().min(10).max(60_000).optional(),
  device_backoff_max_s: z.number().min(1).max(86_400).default(DEFAULT_DEVICE_BACKOFF_MAX_S),
  reopen_backoff_max_ms: z.number().int().min(100).max(600_000).default(DEFAULT_REOPEN_BACKOFF_MAX_MS),
  max_pending_writes: z.number().int().min(1).max(10_000).default(DEFAULT_MAX_PENDING_WRITES),
};

export const SerialBusConfigSchema = z.object({
  ...commonBusFields,
  transport: z.literal('serial'),
  protocol: z.enum(['modbus_rtu', 'dlt645', 'cjt188']),
  /**
   * The port by a stable name, /dev/serial/by-id/usb-FTDI_..., so a USB adapter that re-enumerates
   * after a reboot (ttyUSB0 becoming ttyUSB1) still finds its bus (EdgeX device-modbus-go #636).
   */
  path: z.string().min(1),
  baud_rate: z.number().int().min(300).max(921_600).optional(),
  data_bits: z.union([z.literal(7), z.literal(8)]).default(8),
  parity: z.enum(['none', 'even', 'odd']).optional(),
  stop_bits: z.union([z.literal(1), z.literal(2)]).default(1),
});

export const TcpBusConfigSchema = z.object({
  ...commonBusFields,
  transport: z.literal('tcp'),
  protocol: z.literal('modbus_tcp'),
  host: z.string().min(1),
  /** Modbus TCP's registered port (protocols.md 1.6). */
  port: z.number().int().min(1).max(65_535).default(502),
});

export const BusConfigSchema = z.discriminatedUnion('transport', [SerialBusConfigSchema, TcpBusConfigSchema]);
export type BusConfig = z.infer<typeof BusConfigSchema>;
export type SerialBusConfig = z.infer<typeof SerialBusConfigSchema>;
export type TcpBusConfig = z.infer<typeof TcpBusConfigSchema>;

/** Serial settings with the protocol's defaults filled in. */
export function serialSettings(bus: SerialBusConfig): { baudRate: number; dataBits: 7 | 8; parity: 'none' | 'even' | 'odd'; stopBits: 1 | 2 } {
  const defaults = SERIAL_DEFAULTS[bus.protocol];
  return { baudRate: bus.baud_rate ?? defaults.baud_rate, dataBits: bus.data_bits, parity: bus.parity ?? defaults.parity, stopBits: bus.stop_bits };
}

/** A path that names a port by enumeration order rather than by device: worth a warning at start. */
export function isUnstableSerialPath(path: string): boolean {
  return /^\/dev\/tty(USB|ACM)\d+$/.test(path);
}
