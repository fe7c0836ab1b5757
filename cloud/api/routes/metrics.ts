import type { FastifyPluginAsync } from 'fastify';
import type { Registry } from 'prom-client';

/** Prometheus text exposition of the instance's counters; public like /healthz (it carries counts, no personal data). */
export const metricsRoutes =
  (registry: Registry): FastifyPluginAsync =>
  async (app) => {
    app.get('/metrics', { config: { access: 'public' }, schema: { hide: true } }, async (_request, reply) => {
      reply.header('content-type', registry.contentType);
      return registry.metrics();
    });
  };
