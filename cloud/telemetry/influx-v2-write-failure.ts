import { HttpError, canRetryHttpCall } from '@influxdata/influxdb-client';
import { isRefusedWriteReason, redactedReason } from './influx-series-layout.js';
import { TelemetryDataRefused, TelemetryStoreUnavailable } from './telemetry-store.js';

/**
 * What a failed POST /api/v2/write means (InfluxDB 2.x API reference, "Write data", and the 3.x
 * v2-compatible write endpoint): the store refuses the data for good, cannot write now, or neither.
 *
 * - 400 "partial write" / "unable to parse" (3.x: "parsing failed", "partial write of line protocol
 *   occurred"): the data; the good points of the request are written. Refused for good.
 * - 413 request too large: refused for the batch, which ingest then writes one item at a time
 *   (cloud/ingest/item-refusals.ts storeBatch); an item too large alone is refused for good.
 * - 422 points outside the bucket's retention or of a conflicting schema (2.x): refused for good.
 * - 401, 403: the token is wrong or may not write the bucket; 404: the organisation or bucket does
 *   not exist. The data is fine and a corrected config takes it: held back, and said plainly.
 * - 429, 5xx, timeouts, refused or reset connections: held back.
 * Anything else propagates as it is.
 */
export function writeFailure(error: unknown, target: { org?: string; bucket: string }): unknown {
  if (error instanceof HttpError) {
    const reason = answerReason(error);
    if (error.statusCode === 400 && isRefusedWriteReason(reason)) return refused(error, reason);
    if (error.statusCode === 413 || error.statusCode === 422) return refused(error, reason || `${error.statusCode}`);
    if (error.statusCode === 401 || error.statusCode === 403) {
      return new TelemetryStoreUnavailable(
        `InfluxDB refused the token (${error.statusCode}): check telemetry.influxdb2.token, and that it may write to bucket "${target.bucket}"`,
        { cause: error },
      );
    }
    if (error.statusCode === 404) {
      const organisation = target.org === undefined ? '' : ` of organisation "${target.org}"`;
      return new TelemetryStoreUnavailable(`InfluxDB has no bucket "${target.bucket}"${organisation} (404): create it, or correct telemetry.influxdb2`, { cause: error });
    }
    if (error.statusCode === 429 || error.statusCode >= 500) {
      return new TelemetryStoreUnavailable(`InfluxDB cannot take writes now (${error.statusCode})`, { cause: error });
    }
    return error;
  }
  if (canRetryHttpCall(error)) return new TelemetryStoreUnavailable(`InfluxDB did not answer a write: ${(error as Error).message}`, { cause: error });
  return error;
}

/** Whether another attempt may succeed: the client's own list (408, 425, 429, 5xx, connection errors), without 404. */
export function worthRetrying(error: unknown): boolean {
  return canRetryHttpCall(error) && !(error instanceof HttpError && error.statusCode === 404);
}

/** Seconds from a Retry-After header (RFC 9110 section 10.2.3, delay-seconds form); 0 when none. */
export function retryAfterSeconds(error: unknown): number {
  return error instanceof HttpError ? error.retryAfter() : 0;
}

/** 2.x answers {code, message}; 3.x {error, data}; 1.8's v2 endpoint {error}. */
function answerReason(error: HttpError): string {
  const json = error.json as { message?: unknown; error?: unknown } | undefined;
  const reason = json?.message ?? json?.error ?? error.body ?? '';
  return typeof reason === 'string' ? reason : '';
}

function refused(error: HttpError, reason: string): TelemetryDataRefused {
  return new TelemetryDataRefused(`InfluxDB refused the write (${error.statusCode}): ${redactedReason(reason)}`, { cause: error });
}
