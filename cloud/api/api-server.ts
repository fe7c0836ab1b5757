import type { FastifyInstance } from 'fastify';
import type { Component } from '../../shared/lifecycle/component.js';
import { buildApp, type AppDependencies } from './app.js';

/** The HTTP API listening on its configured address: buildApp's instance at start, closed at stop. */
export class ApiServer implements Component {
  readonly name = 'api';
  private app: FastifyInstance | null = null;
  private boundUrl = '';

  constructor(
    private readonly dependencies: AppDependencies,
    private readonly listenOn: { host: string; port: number },
  ) {}

  /** Base URL once listening, e.g. http://127.0.0.1:8470 (the bound port when configured as 0). */
  get url(): string {
    return this.boundUrl;
  }

  async start(): Promise<void> {
    const app = await buildApp(this.dependencies);
    this.app = app;
    const { host, port } = this.listenOn;
    await app.listen({ host, port });
    const address = app.server.address();
    const boundPort = typeof address === 'object' && address ? address.port : port;
    this.boundUrl = `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${boundPort}`;
  }

  async stop(): Promise<void> {
    await this.app?.close();
    this.app = null;
  }
}
