import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { SOFTWARE_VERSION } from '../../../shared/version.js';

export interface HealthProbes {
  database(): Promise<boolean>;
  telemetry(): Promise<boolean>;
  broker(): boolean;
}

const HealthSchema = z.object({
  status: z.enum(['ok', 'degraded']),
  version: z.string(),
  checks: z.object({ database: z.boolean(), telemetry: z.boolean(), broker: z.boolean() }),
});

/** Liveness and readiness in one: 200 when every dependency answers, 503 naming the one that does not. */
export const healthRoutes =
  (probes: HealthProbes): FastifyPluginAsyncZod =>
  async (app) => {
    app.get(
      '/healthz',
      { config: { access: 'public' }, schema: { summary: 'Health of the service and its dependencies', response: { 200: HealthSchema, 503: HealthSchema } } },
      async (_request, reply) => {
        const [database, telemetry] = await Promise.all([probes.database(), probes.telemetry()]);
        const checks = { database, telemetry, broker: probes.broker() };
        const ok = Object.values(checks).every(Boolean);
        return reply.code(ok ? 200 : 503).send({ status: ok ? 'ok' : 'degraded', version: SOFTWARE_VERSION, checks });
      },
    );
  };
