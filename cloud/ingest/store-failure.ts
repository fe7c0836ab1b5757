/**
 * Whether a failed write means "the store cannot take writes now" (hold the message and retry until
 * it can) rather than "the store refuses this message". A store can answer its health check and
 * still refuse every write: PostgreSQL after a failover to a read-only standby answers SELECT 1, and
 * InfluxDB answers /ping while its writes fail with 5xx. Ingest must hold its messages then, not
 * count them as refused.
 *
 * PostgreSQL and PGlite errors carry the SQLSTATE in `code` (PostgreSQL manual, appendix A):
 *   08xxx connection exception, 25006 read-only SQL transaction, 40001 serialization failure,
 *   40P01 deadlock, 53xxx insufficient resources (disk full, out of memory, too many connections),
 *   55P03 lock not available, 57xxx operator intervention (admin shutdown, crash shutdown, cannot
 *   connect now), 58xxx system error (I/O error).
 * Node's socket errors carry an errno name in `code`. The influx client raises
 * ServiceNotAvailableError for a 5xx answer and "No host available" while it has marked its only
 * host down after a failed request.
 */
const UNAVAILABLE_SQLSTATE = /^(08...|25006|40001|40P01|53...|55P03|57...|58...)$/;
const SOCKET_ERRORS = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);
/** pg raises these without a code when the server goes away mid-session. */
const CONNECTION_LOST = /Connection terminated|connection error|Client was closed|timeout exceeded when trying to connect/i;

export function storeUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && (UNAVAILABLE_SQLSTATE.test(code) || SOCKET_ERRORS.has(code))) return true;
  if (error.constructor.name === 'ServiceNotAvailableError' || error.message === 'No host available') return true;
  return CONNECTION_LOST.test(error.message);
}
