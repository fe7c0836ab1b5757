import { TelemetryDataRefused, TelemetryStoreUnavailable } from '../telemetry/telemetry-store.js';

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
 * host down after a failed request. The InfluxDB v2 write API store raises
 * TelemetryStoreUnavailable for the same conditions.
 */
const UNAVAILABLE_SQLSTATE = /^(08...|25006|40001|40P01|53...|55P03|57...|58...)$/;
const SOCKET_ERRORS = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);
/** pg raises these without a code when the server goes away mid-session. */
const CONNECTION_LOST = /Connection terminated|connection error|Client was closed|timeout exceeded when trying to connect/i;

export function storeUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if (error instanceof TelemetryStoreUnavailable) return true;
  const code = errorCode(error);
  if (code !== undefined && (UNAVAILABLE_SQLSTATE.test(code) || SOCKET_ERRORS.has(code))) return true;
  if (error.constructor.name === 'ServiceNotAvailableError' || error.message === 'No host available') return true;
  return CONNECTION_LOST.test(error.message);
}

/**
 * Whether a failed write means "the store refuses this data, and always will": no retry can cure it,
 * so ingest refuses the items for good with a receipt instead of holding every gateway's messages
 * behind them. PostgreSQL and PGlite: SQLSTATE class 22 "data exception" (PostgreSQL manual,
 * appendix A), e.g. 22021 character not in repertoire (a NUL in text), 22P05 untranslatable
 * character (\u0000 in jsonb), 22003 numeric value out of range, 22P02 invalid text representation,
 * 22008 datetime field overflow. InfluxDB: TelemetryDataRefused (its 400 to /write).
 */
export function storeRefusesData(error: unknown): boolean {
  if (error instanceof TelemetryDataRefused) return true;
  const code = errorCode(error);
  return code !== undefined && /^22[0-9A-Z]{3}$/.test(code);
}

/**
 * A data error for the log: its SQLSTATE, or the telemetry store's own words. Not PostgreSQL's
 * message, which can quote the value it refused ("invalid input syntax for type integer: ...").
 */
export function describeDataError(error: unknown): string {
  if (error instanceof TelemetryDataRefused) return error.message;
  return `SQLSTATE ${errorCode(error) ?? 'unknown'}`;
}

function errorCode(error: unknown): string | undefined {
  const code = error instanceof Error ? (error as { code?: unknown }).code : undefined;
  return typeof code === 'string' ? code : undefined;
}
