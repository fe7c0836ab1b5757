import { z } from 'zod';
import { LocalIdSchema } from '../../shared/contract/index.js';
import type { BusKind } from './bus-kind.js';
import { lineFields, SerialLineFieldsSchema, type SerialLine, type SerialLineFields } from './serial-line.js';

/**
 * The field buses of a gateway: RS-485 lines on serial ports, and TCP endpoints. Each bus runs one
 * transaction at a time (edge/bus/bus-scheduler.ts). Which `protocol:` values exist, and their
 * defaults, comes from the protocol folders' manifests (edge/drivers/shipped-protocols.ts).
 */

/** Longest wait between attempts to reopen a port or connection that failed, in ms. */
export const DEFAULT_REOPEN_BACKOFF_MAX_MS = 30_000;
/** Longest poll backoff of a device that does not answer, in seconds. */
export const DEFAULT_DEVICE_BACKOFF_MAX_S = 300;
/** Writes waiting for a bus, at most; one more is refused with an error, never dropped silently. */
export const DEFAULT_MAX_PENDING_WRITES = 32;

const commonBusFields = {
  id: LocalIdSchema,
  /** Reply timeout of every device on the bus unless the device sets its own; the protocol's when absent. */
  timeout_ms: z.number().int().min(10).max(60_000).optional(),
  device_backoff_max_s: z.number().min(1).max(86_400).default(DEFAULT_DEVICE_BACKOFF_MAX_S),
  reopen_backoff_max_ms: z.number().int().min(100).max(600_000).default(DEFAULT_REOPEN_BACKOFF_MAX_MS),
  max_pending_writes: z.number().int().min(1).max(10_000).default(DEFAULT_MAX_PENDING_WRITES),
};

const SerialBusConfigSchema = z.object({
  ...commonBusFields,
  transport: z.literal('serial'),
  protocol: z.string(),
  /**
   * The port by a stable name, /dev/serial/by-id/usb-FTDI_..., so a USB adapter that re-enumerates
   * after a reboot (ttyUSB0 becoming ttyUSB1) still finds its bus (EdgeX device-modbus-go #636).
   */
  path: z.string().min(1),
  /** Left out: what the profiles of the bus's devices agree on, else the protocol's default. */
  ...SerialLineFieldsSchema.shape,
});

const TcpBusConfigSchema = z.object({
  ...commonBusFields,
  transport: z.literal('tcp'),
  protocol: z.string(),
  host: z.string().min(1),
  /** The protocol's registered port when left out (Modbus TCP: 502). */
  port: z.number().int().min(1).max(65_535).optional(),
});

export type SerialBusConfig = z.infer<typeof SerialBusConfigSchema>;
export type TcpBusConfig = z.infer<typeof TcpBusConfigSchema>;
/** A bus as the gateway config writes it; defaults not yet settled. */
export type BusConfig = SerialBusConfig | TcpBusConfig;
export type BusConfigInput = z.input<typeof SerialBusConfigSchema> | z.input<typeof TcpBusConfigSchema>;

/** The schema of a bus for the given bus kinds: `protocol` is one of theirs, on its transport. */
export function busConfigSchema(kinds: readonly BusKind[]): z.ZodType<BusConfig, BusConfigInput> {
  const serial = kinds.filter((kind) => kind.transport === 'serial').map((kind) => kind.protocol);
  const tcp = kinds.filter((kind) => kind.transport === 'tcp').map((kind) => kind.protocol);
  const members = [
    ...(serial.length > 0 ? [SerialBusConfigSchema.extend({ protocol: z.enum(serial as [string, ...string[]]) })] : []),
    ...(tcp.length > 0 ? [TcpBusConfigSchema.extend({ protocol: z.enum(tcp as [string, ...string[]]) })] : []),
  ];
  if (members.length === 0) return z.never('no protocol runs on a field bus') as unknown as z.ZodType<BusConfig, BusConfigInput>;
  return z.discriminatedUnion('transport', members as [(typeof members)[number], ...(typeof members)[number][]]) as unknown as z.ZodType<BusConfig, BusConfigInput>;
}

/** A serial bus as it runs: every line setting and the timeout settled. */
export type SerialFieldBus = SerialBusConfig & Required<SerialLineFields> & { timeout_ms: number };
/** A TCP bus as it runs: its port and timeout settled. */
export type TcpFieldBus = TcpBusConfig & { port: number; timeout_ms: number };
/** A field bus as the gateway runs it: the config with its kind's defaults and its devices' agreed line filled in. */
export type FieldBus = SerialFieldBus | TcpFieldBus;

/**
 * Fills in what the bus config left out: a line setting from `agreed` (what the profiles of the
 * bus's devices agree on) else from the kind's default line; the port and the timeout from the kind.
 */
export function settleBus(bus: BusConfig, kind: BusKind, agreed: SerialLineFields = {}): FieldBus {
  const timeout_ms = bus.timeout_ms ?? kind.timeoutMs;
  if (bus.protocol === kind.protocol && bus.transport === 'tcp' && kind.transport === 'tcp') return { ...bus, port: bus.port ?? kind.port, timeout_ms };
  if (bus.protocol === kind.protocol && bus.transport === 'serial' && kind.transport === 'serial') {
    const defaults = lineFields(kind.line);
    return {
      ...bus,
      timeout_ms,
      baud_rate: bus.baud_rate ?? agreed.baud_rate ?? defaults.baud_rate,
      data_bits: bus.data_bits ?? agreed.data_bits ?? defaults.data_bits,
      parity: bus.parity ?? agreed.parity ?? defaults.parity,
      stop_bits: bus.stop_bits ?? agreed.stop_bits ?? defaults.stop_bits,
    };
  }
  throw new Error(`bus ${bus.id} is ${bus.protocol} over ${bus.transport}, not ${kind.protocol} over ${kind.transport}`);
}

/** The settled line of a serial bus, as the port is opened with it. */
export function serialSettings(bus: SerialFieldBus): SerialLine {
  return { baudRate: bus.baud_rate, dataBits: bus.data_bits, parity: bus.parity, stopBits: bus.stop_bits };
}

/** A path that names a port by enumeration order rather than by device: worth a warning at start. */
export function isUnstableSerialPath(path: string): boolean {
  return /^\/dev\/tty(USB|ACM)\d+$/.test(path);
}
