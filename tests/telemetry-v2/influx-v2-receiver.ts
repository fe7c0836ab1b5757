import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';

/** One request as the receiver got it; body is after gunzip when Content-Encoding was gzip. */
export interface ReceivedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: IncomingMessage['headers'];
  /** Bytes as they came over the wire. */
  wireBytes: number;
  body: string;
}

/** A scripted answer to the next write. */
export interface ScriptedAnswer {
  status: number;
  headers?: Record<string, string>;
  /** JSON-encoded when an object. */
  body?: string | object;
}

export interface ReceiverOptions {
  /** The token every request must carry as `Authorization: Token <token>`. */
  token: string;
  org: string;
  bucket: string;
  /**
   * An InfluxDB 1.x whose /write stores what this receiver accepts (into the database named by the
   * bucket) and which answers /query and /ping; without it, an accepted write is answered 204 and
   * kept only in `writes`.
   */
  backendUrl?: string;
}

/**
 * InfluxDB 2.x's v2 write API as seen on the wire (InfluxDB 2.x API reference, POST /api/v2/write),
 * played on 127.0.0.1 for tests: only InfluxDB 1.6 runs here, which lacks /api/v2/write (1.8 added
 * its compatibility endpoint). Each write is checked as 2.x would check it: the path, org, bucket,
 * precision ms, `Authorization: Token`, Content-Type, a gzip body when Content-Encoding says so;
 * a request that fails a check gets 2.x's own answer for it (401, 404, 400) and is listed in
 * `violations`. Scripted answers replace the next writes' answers (errors, Retry-After).
 *
 * With a backend, an accepted body goes unchanged to 1.x's /write (line protocol is one format for
 * both APIs; only the envelope differs: org/bucket for db, token for user and password, and the
 * error body {code, message} for {error}), 1.x's answer is returned as 2.x would word it, and
 * /query and /ping pass through. So a real InfluxDB parses the line protocol the v2 store writes,
 * and the real InfluxQL engine answers its reads.
 */
export class InfluxV2Receiver {
  readonly writes: ReceivedRequest[] = [];
  readonly requests: ReceivedRequest[] = [];
  readonly violations: string[] = [];
  private readonly script: ScriptedAnswer[] = [];
  private readonly waiters: Array<{ count: number; resolve: () => void }> = [];
  private server: Server | null = null;
  url = '';

  constructor(private readonly options: ReceiverOptions) {}

  static async start(options: ReceiverOptions): Promise<InfluxV2Receiver> {
    const receiver = new InfluxV2Receiver(options);
    receiver.server = createServer((req, res) => void receiver.handle(req, res));
    await new Promise<void>((resolve) => receiver.server!.listen(0, '127.0.0.1', resolve));
    receiver.url = `http://127.0.0.1:${(receiver.server.address() as AddressInfo).port}`;
    return receiver;
  }

  /** The next writes get these answers, in order, instead of being stored. */
  answerNext(...answers: ScriptedAnswer[]): void {
    this.script.push(...answers);
  }

  /** Resolves once `count` write requests in all have arrived. */
  writesReceived(count: number): Promise<void> {
    if (this.writes.length >= count) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ count, resolve }));
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://receiver');
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks);
    let body: string;
    try {
      body = (req.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw).toString('utf8');
    } catch {
      return this.refuse(res, 400, 'invalid', 'request body is not valid gzip', 'a body marked gzip did not gunzip');
    }
    const received: ReceivedRequest = {
      method: req.method ?? '',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers: req.headers,
      wireBytes: raw.length,
      body,
    };
    this.requests.push(received);
    if (req.headers.authorization !== `Token ${this.options.token}`) {
      return this.refuse(res, 401, 'unauthorized', 'unauthorized access', `${received.path}: Authorization was ${req.headers.authorization ?? 'absent'}`);
    }
    if (received.path === '/api/v2/write') return this.write(received, res);
    if (received.path === '/api/v2/delete' && this.options.backendUrl) return this.delete(received, res);
    if (this.options.backendUrl && (received.path === '/query' || received.path === '/ping') && received.method === 'GET') {
      const answer = await fetch(new URL(`${received.path}${url.search}`, this.options.backendUrl));
      res.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'application/json' });
      res.end(Buffer.from(await answer.arrayBuffer()));
      return;
    }
    return this.refuse(res, 404, 'not found', 'path not found', `unexpected ${received.method} ${received.path}`);
  }

  private async write(received: ReceivedRequest, res: ServerResponse): Promise<void> {
    this.writes.push(received);
    for (const waiter of this.waiters.filter((w) => this.writes.length >= w.count)) {
      this.waiters.splice(this.waiters.indexOf(waiter), 1);
      waiter.resolve();
    }
    const problems = this.checkWrite(received);
    if (problems.length > 0) return this.refuse(res, 400, 'invalid', problems.join('; '), problems.join('; '));
    const scripted = this.script.shift();
    if (scripted) {
      const text = typeof scripted.body === 'object' ? JSON.stringify(scripted.body) : (scripted.body ?? '');
      const type = typeof scripted.body === 'object' ? { 'content-type': 'application/json; charset=utf-8' } : {};
      res.writeHead(scripted.status, { ...type, ...scripted.headers });
      res.end(text);
      return;
    }
    if (!this.options.backendUrl) {
      res.writeHead(204).end();
      return;
    }
    const stored = await fetch(new URL(`/write?db=${encodeURIComponent(this.options.bucket)}&precision=ms`, this.options.backendUrl), { method: 'POST', body: received.body });
    if (stored.status === 204) {
      res.writeHead(204).end();
      return;
    }
    const answer = (await stored.json()) as { error?: string };
    // 2.x's error body: {code, message}; "invalid" for what the data itself caused.
    res.writeHead(stored.status, { 'content-type': 'application/json; charset=utf-8' });
    res.end(JSON.stringify({ code: stored.status === 400 ? 'invalid' : 'internal error', message: answer.error ?? '' }));
  }

  /**
   * POST /api/v2/delete (2.x API reference, "Delete data"): org and bucket in the query, a JSON body
   * of start, stop (RFC 3339) and a predicate of `key="value"` terms joined by AND, the only form
   * 2.x's delete predicate takes. Carried out on the backend as the InfluxQL DELETE it means.
   */
  private async delete(received: ReceivedRequest, res: ServerResponse): Promise<void> {
    const problems: string[] = [];
    if (received.method !== 'POST') problems.push(`delete method ${received.method}`);
    if (JSON.stringify(received.query) !== JSON.stringify({ org: this.options.org, bucket: this.options.bucket })) problems.push(`delete query ${JSON.stringify(received.query)}`);
    if (received.headers['content-type'] !== 'application/json') problems.push(`delete content-type ${received.headers['content-type']}`);
    let request: { start?: unknown; stop?: unknown; predicate?: unknown } = {};
    try {
      request = JSON.parse(received.body) as typeof request;
    } catch {
      problems.push('delete body is not JSON');
    }
    const rfc3339 = (value: unknown) => typeof value === 'string' && !Number.isNaN(Date.parse(value));
    if (!rfc3339(request.start) || !rfc3339(request.stop)) problems.push(`delete start/stop ${String(request.start)} ${String(request.stop)}`);
    const terms = typeof request.predicate === 'string' ? request.predicate.split(' AND ').map((term) => /^([A-Za-z_][A-Za-z0-9_]*)="((?:[^"\\]|\\.)*)"$/.exec(term)) : [null];
    if (terms.some((term) => term === null)) problems.push(`delete predicate ${String(request.predicate)}`);
    if (problems.length > 0) return this.refuse(res, 400, 'invalid', problems.join('; '), problems.join('; '));
    const unescape = (value: string) => value.replace(/\\(.)/g, '$1');
    const pairs = terms.map((term) => [term![1]!, unescape(term![2]!)] as const);
    const measurement = pairs.find(([key]) => key === '_measurement')?.[1];
    if (measurement === undefined) return this.refuse(res, 400, 'invalid', 'no _measurement', 'delete predicate without _measurement');
    const quote = (value: string) => `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
    const conditions = [...pairs.filter(([key]) => key !== '_measurement').map(([key, value]) => `"${key}" = ${quote(value)}`), `time >= ${quote(String(request.start))}`, `time < ${quote(String(request.stop))}`];
    const statement = `DELETE FROM "${measurement}" WHERE ${conditions.join(' AND ')}`;
    const answer = await fetch(new URL(`/query?db=${encodeURIComponent(this.options.bucket)}`, this.options.backendUrl), { method: 'POST', body: new URLSearchParams({ q: statement }) });
    const text = await answer.text();
    if (!answer.ok || text.includes('"error"')) {
      res.writeHead(500, { 'content-type': 'application/json; charset=utf-8' });
      res.end(JSON.stringify({ code: 'internal error', message: text }));
      return;
    }
    res.writeHead(204).end();
  }

  private checkWrite(received: ReceivedRequest): string[] {
    const problems: string[] = [];
    if (received.method !== 'POST') problems.push(`method ${received.method}`);
    const expectedQuery = { org: this.options.org, bucket: this.options.bucket, precision: 'ms' };
    if (JSON.stringify(received.query) !== JSON.stringify(expectedQuery)) problems.push(`query ${JSON.stringify(received.query)}`);
    if (received.headers['content-type'] !== 'text/plain; charset=utf-8') problems.push(`content-type ${received.headers['content-type']}`);
    if (received.body.length === 0) problems.push('empty body');
    return problems;
  }

  private refuse(res: ServerResponse, status: number, code: string, message: string, violation: string): void {
    this.violations.push(violation);
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
    res.end(JSON.stringify({ code, message }));
  }
}
