/**
 * One open connection to one bus (a serial line or a TCP endpoint) speaking one protocol. The bus
 * scheduler guarantees that execute() is never called while another execute() on the same link is
 * pending: one transaction in flight per bus.
 *
 * Every failure is a BusError (bus-error.ts); every promise settles, a lost reply by the timeout.
 */
export interface BusLink<Request, Reply> {
  /** Opens the port or connection; throws BusError('transport') when it cannot. */
  open(): Promise<void>;
  /** One request and its reply, within timeoutMs. */
  execute(request: Request, timeoutMs: number): Promise<Reply>;
  /** Releases the port or socket; safe to call when not open. */
  close(): Promise<void>;
  readonly isOpen: boolean;
}
