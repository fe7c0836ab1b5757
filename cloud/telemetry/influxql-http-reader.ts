import { TelemetryStoreUnavailable } from './telemetry-store.js';

export interface InfluxqlReaderOptions {
  /** http(s)://host:port[/path] of the server. */
  url: string;
  /** The database to read (the bucket on 2.x, through its DBRP mapping; the database on 3.x). */
  database: string;
  /** Sent as `Authorization: Token <token>`; none when omitted (1.x without authentication). */
  token?: string;
  /** 1.x's username and password, sent as HTTP Basic authentication (1.x HTTP API docs, "Authenticate"); ignored when a token is set. */
  basic?: { username: string; password?: string };
  timeoutMs: number;
}

/** The v1 query answer (1.x HTTP API docs, "/query"; served alike by 2.x and 3.x). */
interface QueryAnswer {
  error?: string;
  results?: Array<{ error?: string; series?: Array<{ tags?: Record<string, string>; columns: string[]; values: unknown[][] }> }>;
}

/**
 * InfluxQL over the v1-compatible `/query` endpoint, the one read API that InfluxDB 1.x, 2.x (v1
 * compatibility, a bucket read as database through its DBRP mapping) and 3.x (its v1 query API) all
 * serve. Never Flux: 3.x does not serve it. Times come back as epoch ms (`epoch=ms`). The token goes
 * in the Authorization header, the scheme 2.x and 3.x take (1.8+ also reads "Token user:password"),
 * never in the URL, where proxies log it.
 */
export class InfluxqlHttpReader {
  constructor(private readonly options: InfluxqlReaderOptions) {}

  /**
   * The rows of one SELECT, each an object of column name to value, with the series' GROUP BY tags
   * beside them; [] when nothing matched.
   */
  async select<R>(statement: string): Promise<R[]> {
    const answer = await this.send(statement, 'GET');
    const rows: R[] = [];
    for (const series of answer.results?.[0]?.series ?? []) {
      for (const values of series.values) rows.push({ ...series.tags, ...Object.fromEntries(series.columns.map((column, i) => [column, values[i]])) } as R);
    }
    return rows;
  }

  /** A statement that changes the database (DELETE, SELECT ... INTO, CREATE or ALTER RETENTION POLICY): 1.x takes those by POST only. */
  async execute(statement: string): Promise<void> {
    await this.send(statement, 'POST');
  }

  private async send(statement: string, method: 'GET' | 'POST'): Promise<QueryAnswer> {
    const url = endpoint(this.options.url, 'query');
    const params = new URLSearchParams({ db: this.options.database, q: statement, epoch: 'ms' }).toString();
    if (method === 'GET') url.search = params;
    const headers = { ...authorization(this.options.token), ...basicAuthorization(this.options), ...(method === 'POST' ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) };
    let response: Response;
    try {
      response = await fetch(url, { method, headers, body: method === 'POST' ? params : undefined, signal: AbortSignal.timeout(this.options.timeoutMs) });
    } catch (error) {
      throw new TelemetryStoreUnavailable(`InfluxDB did not answer a query: ${(error as Error).message}`, { cause: error });
    }
    const text = await response.text();
    if (!response.ok) throw queryFailure(response.status, text);
    const answer = JSON.parse(text) as QueryAnswer;
    const failed = answer.error ?? answer.results?.find((result) => result.error !== undefined)?.error;
    if (failed !== undefined) throw new Error(`InfluxDB refused a query: ${failed}`);
    return answer;
  }
}

function basicAuthorization(options: InfluxqlReaderOptions): Record<string, string> {
  if (options.token !== undefined || options.basic === undefined) return {};
  return { authorization: `Basic ${Buffer.from(`${options.basic.username}:${options.basic.password ?? ''}`).toString('base64')}` };
}

/** The URL of an endpoint under the configured one, keeping a path prefix (a reverse proxy's). */
export function endpoint(base: string, path: string): URL {
  const url = new URL(base);
  url.pathname = `${url.pathname.replace(/\/$/, '')}/${path}`;
  return url;
}

export function authorization(token: string | undefined): Record<string, string> {
  return token === undefined ? {} : { authorization: `Token ${token}` };
}

function queryFailure(status: number, body: string): Error {
  const message = `InfluxDB answered ${status} to a query${status === 401 || status === 403 ? ': check the token and its read permission on the bucket' : ''}`;
  if (status >= 500 || status === 429 || status === 401 || status === 403) return new TelemetryStoreUnavailable(message);
  return new Error(`${message}: ${body.slice(0, 200)}`);
}
