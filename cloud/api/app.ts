import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import type { Logger } from '../../shared/log/logger.js';
import { SOFTWARE_VERSION } from '../../shared/version.js';
import { answerFrameworkError, installErrorHandler } from './errors.js';
import { installRequestGuards } from './request-guards.js';
import { installAuthentication, type Authenticator } from './auth/authentication.js';
import { requireAccessDeclarations } from './auth/route-access.js';
import { sessionRoutes, type SessionDesk } from './routes/session.js';
import { householdRoutes, type HouseholdDesk } from './routes/households.js';
import type { HouseholdConfigDelivery } from '../config-delivery/household-config-delivery.js';
import type { HouseholdActivityErasure } from '../household-activity/activity-erasure.js';
import { householdActivityRoutes, type HouseholdActivityDesk } from './routes/household-activity.js';
import { loggableError } from './loggable-error.js';
import { ticketRoutes, type StaffEligibility, type TicketDesk } from './routes/tickets.js';
import { dispatchRoutes, type DispatchDesk } from './routes/dispatch.js';
import { ticketCategoryRoutes } from './routes/ticket-categories.js';
import { healthRoutes, type HealthProbes } from './routes/health.js';
import { metricsRoutes } from './routes/metrics.js';
import { gatewayConfigRoutes, type ReportedVersions } from './routes/gateway-config.js';
import { gatewayRoutes, type GatewayDirectoryView } from './routes/gateways.js';
import { gatewayCredentialRoutes, type GatewayCredentialDesk } from './routes/gateway-credentials.js';
import { estateRoutes, type EstateDesk } from './routes/estates.js';
import { estateDeviceRoutes } from './routes/estate-devices.js';
import { staffRoutes, type StaffDesk } from './routes/staff.js';
import { apiTokenRoutes, type ApiTokenDesk } from './routes/api-tokens.js';
import { auditRoutes, type AuditDesk } from './routes/audit.js';
import { notificationChannelRoutes, type NotificationChannelDesk } from './routes/notification-channels.js';
import { kpiRoutes, type KpiDesk } from './routes/kpis.js';
import { installSecurityHeaders } from './security-headers.js';
import { ticketEvidenceRoutes } from './routes/ticket-evidence.js';
import type { TicketEvidenceService } from '../telemetry/ticket-evidence-service.js';
import type { GatewayFleetHealthReader } from '../registry/gateway-fleet-health.js';
import { consoleRoutes } from '../console/console-routes.js';
import { workStreamRoute } from '../console/work-stream.js';
import { installSameOriginGuard } from '../console/same-origin-guard.js';
import type { EstateDirectory } from '../console/estate-directory.js';
import type { WorkFeed } from '../console/work-feed.js';
import type { GatewayConfigService } from '../config-delivery/gateway-config-service.js';
import type { CloudMetrics } from '../metrics/cloud-metrics.js';

export interface AppDependencies {
  /** Sign-in, sign-out and the check of every request's session cookie or bearer token. */
  access: Authenticator & SessionDesk;
  tickets: TicketDesk;
  /** The duty roster, the dispatch policy, and who may be given a ticket. */
  dispatch: DispatchDesk & { staffWhoCannotTake: StaffEligibility };
  households: { desk: HouseholdDesk; delivery: Pick<HouseholdConfigDelivery, 'deliverFor' | 'statusFor'>; erasure: Pick<HouseholdActivityErasure, 'consentWithdrawn'> };
  /** Households' hourly activity aggregates and learned routine, for supervision. */
  householdActivity: HouseholdActivityDesk;
  gatewayConfigs: { service: GatewayConfigService; reported: ReportedVersions };
  gateways: GatewayDirectoryView;
  /** A ticket's evidence (audited read) and a gateway's devices' health, from the telemetry. */
  telemetryReads: { evidence: Pick<TicketEvidenceService, 'read'>; fleetHealth: Pick<GatewayFleetHealthReader, 'read' | 'deviceReadings'> };
  gatewayCredentials: GatewayCredentialDesk;
  /** The estate registry: estates, buildings, units, assets, gateways of an estate and their devices. */
  estates: EstateDesk;
  /** Staff accounts and their API tokens, as administrators manage them. */
  staff: { accounts: StaffDesk; apiTokens: ApiTokenDesk };
  audit: AuditDesk;
  /** An estate's notification channels and delivery log, as its administrators manage them. */
  notifications: NotificationChannelDesk;
  /** Work-order KPIs per estate, for supervisors and estate managers. */
  kpis: KpiDesk;
  /** The web console: estates' names and time zones, and the signal that wakes its live work lists. */
  console: { estates: EstateDirectory; feed: WorkFeed };
  health: HealthProbes;
  metrics: CloudMetrics;
  logger: Logger;
}

/** Request bodies are small JSON documents; anything larger is refused with 413. */
const BODY_LIMIT_BYTES = 64 * 1024;

/**
 * The HTTP API as a fastify instance: the error handler, the authentication hooks (every route
 * declares who may call it: auth/route-access.ts) and request guards, then external plugins
 * (OpenAPI), then routes, one plugin per resource. Tests call inject() on it; server.ts-style listening is the caller's job.
 */
export async function buildApp(deps: AppDependencies): Promise<FastifyInstance> {
  // pino's Logger is a FastifyBaseLogger; naming the wider type keeps the instance type the plugins expect.
  // fastify keeps a serializer of the instance given over its own (fastify/lib/logger-pino.js).
  const loggerInstance: FastifyBaseLogger = deps.logger.child({ component: 'api' }, { serializers: { err: loggableError } });
  const app = Fastify({ loggerInstance, bodyLimit: BODY_LIMIT_BYTES, frameworkErrors: answerFrameworkError });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  installErrorHandler(app);
  requireAccessDeclarations(app);
  installAuthentication(app, deps.access);
  installSameOriginGuard(app);
  installRequestGuards(app);
  installSecurityHeaders(app);

  await app.register(fastifySwagger, {
    openapi: {
      info: { title: 'estatecare API', description: 'Tickets, registry and health of the estatecare cloud', version: SOFTWARE_VERSION },
    },
    transform: jsonSchemaTransform,
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/docs' });

  await app.register(sessionRoutes(deps.access), { prefix: '/api/v1' });
  await app.register(ticketRoutes(deps.tickets, deps.dispatch.staffWhoCannotTake), { prefix: '/api/v1' });
  await app.register(dispatchRoutes(deps.dispatch), { prefix: '/api/v1' });
  await app.register(householdRoutes(deps.households.desk, deps.households.delivery, deps.households.erasure), { prefix: '/api/v1' });
  await app.register(householdActivityRoutes(deps.householdActivity), { prefix: '/api/v1' });
  await app.register(ticketCategoryRoutes(), { prefix: '/api/v1' });
  await app.register(ticketEvidenceRoutes(deps.tickets, deps.telemetryReads.evidence), { prefix: '/api/v1' });
  await app.register(gatewayRoutes(deps.gateways, deps.telemetryReads.fleetHealth), { prefix: '/api/v1' });
  await app.register(gatewayConfigRoutes(deps.gatewayConfigs.service, deps.gatewayConfigs.reported, deps.gateways), { prefix: '/api/v1' });
  await app.register(gatewayCredentialRoutes(deps.gatewayCredentials), { prefix: '/api/v1' });
  await app.register(estateRoutes(deps.estates), { prefix: '/api/v1' });
  await app.register(estateDeviceRoutes(deps.estates, deps.gateways), { prefix: '/api/v1' });
  await app.register(staffRoutes(deps.staff.accounts), { prefix: '/api/v1' });
  await app.register(apiTokenRoutes(deps.staff.apiTokens), { prefix: '/api/v1' });
  await app.register(auditRoutes(deps.audit), { prefix: '/api/v1' });
  await app.register(notificationChannelRoutes(deps.notifications), { prefix: '/api/v1' });
  await app.register(kpiRoutes(deps.kpis), { prefix: '/api/v1' });
  await app.register(consoleRoutes({ authenticator: deps.access, estates: deps.console.estates }));
  await app.register(workStreamRoute(deps.tickets, deps.console.feed, deps.logger));
  await app.register(healthRoutes(deps.health));
  await app.register(metricsRoutes(deps.metrics.registry));
  return app;
}
