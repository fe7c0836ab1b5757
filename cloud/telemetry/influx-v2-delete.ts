import { authorization, endpoint } from './influxql-http-reader.js';
import { TelemetryStoreUnavailable } from './telemetry-store.js';

export interface V2DeleteTarget {
  url: string;
  token: string;
  org?: string;
  bucket: string;
  timeoutMs: number;
}

/**
 * POST /api/v2/delete?org=&bucket= with a JSON body of start, stop and predicate (2.x API reference,
 * "Delete data"); 204 is done. InfluxDB 3.x serves no delete by predicate (it answers 404 or 405):
 * that failure says so. A server down, overloaded or refusing the token throws
 * TelemetryStoreUnavailable, as a write would; `what` names the data in the message.
 */
export async function deleteThroughV2Api(target: V2DeleteTarget, body: { start: string; stop: string; predicate: string }, what: string): Promise<void> {
  const url = endpoint(target.url, 'api/v2/delete');
  url.search = new URLSearchParams({ org: target.org ?? '', bucket: target.bucket }).toString();
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: { ...authorization(target.token), 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(target.timeoutMs),
    });
  } catch (error) {
    throw new TelemetryStoreUnavailable(`InfluxDB did not answer a delete of ${what}: ${(error as Error).message}`, { cause: error });
  }
  const text = await response.text();
  if (response.ok) return;
  if (response.status >= 500 || response.status === 429 || response.status === 401 || response.status === 403) {
    throw new TelemetryStoreUnavailable(`InfluxDB answered ${response.status} to a delete of ${what}`);
  }
  throw new Error(`InfluxDB answered ${response.status} to a delete of ${what} (InfluxDB 3.x serves no delete by predicate): ${text.slice(0, 200)}`);
}
