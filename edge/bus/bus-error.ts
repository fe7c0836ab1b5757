/**
 * The few kinds every protocol library's failures are mapped to (edge/drivers/README.md). The bus
 * scheduler decides from the kind alone: retry, count, mark a device unavailable, or reopen the link.
 * - timeout: no (complete) reply in time; the device may be dead or the line noisy. Retried.
 * - checksum: a reply arrived but its CRC / checksum was wrong (garbled line). Retried.
 * - exception: the device answered with an error (Modbus exception, DL/T 645 0xD1, CJ/T 188 0xC1).
 *   It is alive; the step's points are missing from this poll. Not retried.
 * - malformed: a reply with a good checksum that does not fit the request (wrong address, length or
 *   function). Retried, counted as a checksum error.
 * - transport: the link itself failed (port removed, connection refused or reset). The scheduler
 *   closes the link and reopens it with backoff; every device on the bus is unavailable meanwhile.
 */
export type BusErrorKind = 'timeout' | 'checksum' | 'exception' | 'malformed' | 'transport';

export class BusError extends Error {
  constructor(
    readonly kind: BusErrorKind,
    message: string,
    options: { cause?: unknown; exceptionCode?: number } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'BusError';
    this.exceptionCode = options.exceptionCode;
  }

  /** Protocol exception code when kind is 'exception' (Modbus 1-11, DL/T 645 ERR bits, ...). */
  readonly exceptionCode: number | undefined;
}

export function isBusError(error: unknown): error is BusError {
  return error instanceof BusError;
}
