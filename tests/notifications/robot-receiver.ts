import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request as the receiver got it. */
export interface ReceivedRequest {
  method: string;
  url: URL;
  headers: IncomingHttpHeaders;
  body: string;
  json: unknown;
}

/** How the receiver answers a request: a status and JSON body, or no answer at all (a vendor that hangs). */
export type ScriptedAnswer = { status: number; body?: unknown; headers?: Record<string, string> } | 'hang';

/**
 * A vendor's server on 127.0.0.1:0 (the only fake, at the wire): records every request and answers
 * by the script the test gives. Tests wait for requests with nextRequest(), never a sleep.
 */
export class RobotReceiver {
  readonly requests: ReceivedRequest[] = [];
  private script: (request: ReceivedRequest) => ScriptedAnswer = () => ({ status: 200, body: { errcode: 0, errmsg: 'ok' } });
  private waiters: Array<(request: ReceivedRequest) => void> = [];
  private readonly hanging = new Set<ServerResponse>();

  private constructor(private readonly server: Server) {}

  static async start(): Promise<RobotReceiver> {
    const server = createServer();
    const receiver = new RobotReceiver(server);
    server.on('request', (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        let json: unknown = null;
        try {
          json = JSON.parse(body);
        } catch {
          json = null;
        }
        const request: ReceivedRequest = { method: req.method ?? '', url: new URL(req.url ?? '/', 'http://127.0.0.1'), headers: req.headers, body, json };
        receiver.requests.push(request);
        const answer = receiver.script(request);
        if (answer === 'hang') receiver.hanging.add(res);
        else res.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers }).end(JSON.stringify(answer.body ?? {}));
        const waiters = receiver.waiters;
        receiver.waiters = [];
        for (const waiter of waiters) waiter(request);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return receiver;
  }

  /** The receiver's address with the path and query the channel is configured with. */
  url(pathAndQuery: string): string {
    const { port } = this.server.address() as AddressInfo;
    return `http://127.0.0.1:${port}${pathAndQuery}`;
  }

  answer(script: (request: ReceivedRequest) => ScriptedAnswer): void {
    this.script = script;
  }

  nextRequest(): Promise<ReceivedRequest> {
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Drops the connections of the requests left hanging: their senders see the connection reset. */
  dropHanging(): void {
    for (const res of this.hanging) res.destroy();
    this.hanging.clear();
  }

  async close(): Promise<void> {
    for (const res of this.hanging) res.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
