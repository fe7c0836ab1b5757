import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { LocalIdSchema } from '../../../shared/contract/index.js';
import { CHANNEL_KINDS } from '../../notifications/channels/channel-kind.js';
import { redactedChannelUrl } from '../../notifications/channel-url-redaction.js';
import type { ChannelRecord } from '../../notifications/channel-repository.js';
import { DELIVERY_STATUSES, type DeliveryRecord } from '../../notifications/delivery-log-repository.js';
import { MESSAGE_LANGUAGES } from '../../notifications/message-catalogue.js';
import { MAX_DELIVERY_LOG_ROWS, NOTIFICATION_MANAGE, type NotificationChannelService } from '../../notifications/notification-channel-service.js';
import type { AttemptReport } from '../../notifications/notification-dispatcher.js';
import { iso, isoOrNull } from '../api-time.js';
import { AnyBody } from '../any-body.js';
import { ErrorBodySchema } from '../error-body.js';
import { signedInCaller } from '../auth/authentication.js';

export type NotificationChannelDesk = Pick<NotificationChannelService, 'list' | 'create' | 'update' | 'remove' | 'test' | 'deliveries' | 'retry'>;

const EstateParams = z.object({ estate_id: LocalIdSchema });
const ChannelParams = EstateParams.extend({ channel_id: z.uuid({ message: 'a channel id is a UUID' }) });
const DeliveryParams = EstateParams.extend({ delivery_id: z.uuid({ message: 'a delivery id is a UUID' }) });

const ChannelViewSchema = z.object({
  id: z.string(),
  estate_id: z.string(),
  kind: z.enum(CHANNEL_KINDS),
  name: z.string(),
  /** With the robot's key, access_token or hook id masked ("***"). */
  url: z.string().nullable(),
  /** Whether a signing secret is stored; the secret itself is never shown. */
  has_secret: z.boolean(),
  language: z.enum(MESSAGE_LANGUAGES),
  show_resident_names: z.boolean(),
  enabled: z.boolean(),
  created_at: z.iso.datetime(),
  created_by: z.string(),
  updated_at: z.iso.datetime(),
});

const AttemptViewSchema = z.object({
  at: z.iso.datetime(),
  channel_kind: z.enum(CHANNEL_KINDS),
  http_status: z.number().int().nullable(),
  /** The vendor's errcode / code. */
  answer_code: z.string().nullable(),
  classification: z.enum(['ok', 'retryable', 'permanent', 'timeout', 'network']).nullable(),
  error: z.string().nullable(),
  latency_ms: z.number().int().nullable(),
});

const DeliveryViewSchema = z.object({
  id: z.string(),
  notification_id: z.string(),
  ticket_id: z.string().nullable(),
  purpose: z.string(),
  channel_id: z.string().nullable(),
  channel_name: z.string().nullable(),
  channel_kind: z.enum(CHANNEL_KINDS),
  status: z.enum(DELIVERY_STATUSES),
  attempts: z.number().int(),
  last_error: z.string().nullable(),
  queued_at: z.iso.datetime(),
  next_attempt_at: z.iso.datetime(),
  sent_at: z.iso.datetime().nullable(),
  dead_at: z.iso.datetime().nullable(),
  cancelled_reason: z.string().nullable(),
  last_attempt: AttemptViewSchema.nullable(),
});

const TestResultSchema = z.object({
  delivery_id: z.string(),
  status: z.enum(DELIVERY_STATUSES).nullable(),
  classification: z.enum(['ok', 'retryable', 'permanent', 'timeout', 'network']),
  http_status: z.number().int().nullable(),
  answer_code: z.string().nullable(),
  error: z.string().nullable(),
  latency_ms: z.number().int(),
});

function channelView(channel: ChannelRecord): z.infer<typeof ChannelViewSchema> {
  return {
    id: channel.id,
    estate_id: channel.estateId,
    kind: channel.kind,
    name: channel.name,
    url: redactedChannelUrl(channel.kind, channel.url),
    has_secret: channel.hasSecret,
    language: channel.language,
    show_resident_names: channel.showResidentNames,
    enabled: channel.enabled,
    created_at: iso(channel.createdAt),
    created_by: channel.createdBy,
    updated_at: iso(channel.updatedAt),
  };
}

function deliveryView(delivery: DeliveryRecord): z.infer<typeof DeliveryViewSchema> {
  const attempt = delivery.lastAttempt;
  return {
    id: delivery.id,
    notification_id: delivery.notificationId,
    ticket_id: delivery.ticketId,
    purpose: delivery.purpose,
    channel_id: delivery.channelId,
    channel_name: delivery.channelName,
    channel_kind: delivery.channelKind,
    status: delivery.status,
    attempts: delivery.attempts,
    last_error: delivery.lastError,
    queued_at: iso(delivery.queuedAt),
    next_attempt_at: iso(delivery.nextAttemptAt),
    sent_at: isoOrNull(delivery.sentAt),
    dead_at: isoOrNull(delivery.deadAt),
    cancelled_reason: delivery.cancelledReason,
    last_attempt: attempt
      ? {
          at: iso(attempt.at),
          channel_kind: attempt.channelKind,
          http_status: attempt.httpStatus,
          answer_code: attempt.answerCode,
          classification: attempt.classification,
          error: attempt.error,
          latency_ms: attempt.latencyMs,
        }
      : null,
  };
}

function testView(report: AttemptReport): z.infer<typeof TestResultSchema> {
  return {
    delivery_id: report.deliveryId,
    status: report.status,
    classification: report.outcome.classification,
    http_status: report.outcome.httpStatus,
    answer_code: report.outcome.answerCode,
    error: report.outcome.error,
    latency_ms: Math.round(report.latencyMs),
  };
}

const errors = { 400: ErrorBodySchema, 401: ErrorBodySchema, 403: ErrorBodySchema, 404: ErrorBodySchema, 409: ErrorBodySchema, 429: ErrorBodySchema };
const access = { access: { permission: NOTIFICATION_MANAGE } };

/**
 * An estate's notification channels (WeCom, DingTalk and Feishu robots, signed webhooks, the log)
 * and its delivery log, for its administrators (cloud/notifications/notification-channel-service.ts).
 * Secrets are written, never read back.
 */
export const notificationChannelRoutes =
  (desk: NotificationChannelDesk): FastifyPluginAsyncZod =>
  async (app) => {
    app.get(
      '/estates/:estate_id/notification-channels',
      { config: access, schema: { summary: "The estate's notification channels (no secrets)", params: EstateParams, response: { 200: z.object({ channels: z.array(ChannelViewSchema) }), ...errors } } },
      async (request) => ({ channels: (await desk.list(signedInCaller(request), request.params.estate_id)).map(channelView) }),
    );

    app.post(
      '/estates/:estate_id/notification-channels',
      {
        config: access,
        schema: {
          summary:
            'Add a channel (kind wecom, dingtalk, feishu, webhook or log; name; url; secret; language zh or en; show_resident_names; enabled). A webhook without a secret gets a generated whsec_ secret, returned once',
          params: EstateParams,
          body: AnyBody,
          response: { 201: z.object({ channel: ChannelViewSchema, generated_secret: z.string().nullable() }), ...errors },
        },
      },
      async (request, reply) => {
        const { channel, generatedSecret } = await desk.create(signedInCaller(request), request.params.estate_id, request.body as never);
        // A generated secret is in this answer only: no cache may keep it (RFC 9111 section 5.2.2.5).
        return reply.code(201).header('cache-control', 'no-store').send({ channel: channelView(channel), generated_secret: generatedSecret });
      },
    );

    app.patch(
      '/estates/:estate_id/notification-channels/:channel_id',
      {
        config: access,
        schema: { summary: 'Change a channel: what is left out stays; secret null removes it', params: ChannelParams, body: AnyBody, response: { 200: ChannelViewSchema, ...errors } },
      },
      async (request) => channelView(await desk.update(signedInCaller(request), request.params.estate_id, request.params.channel_id, request.body as never)),
    );

    app.delete(
      '/estates/:estate_id/notification-channels/:channel_id',
      { config: access, schema: { summary: 'Delete a channel; deliveries still waiting on it are cancelled', params: ChannelParams, response: { 204: z.null(), ...errors } } },
      async (request, reply) => {
        await desk.remove(signedInCaller(request), request.params.estate_id, request.params.channel_id);
        return reply.code(204).send(null);
      },
    );

    app.post(
      '/estates/:estate_id/notification-channels/:channel_id/test',
      {
        config: access,
        schema: { summary: 'Send the channel a test message now and answer how the attempt went (never retried)', params: ChannelParams, response: { 200: TestResultSchema, ...errors } },
      },
      async (request) => testView(await desk.test(signedInCaller(request), request.params.estate_id, request.params.channel_id)),
    );

    app.get(
      '/estates/:estate_id/notifications/deliveries',
      {
        config: access,
        schema: {
          summary: "The estate's delivery log, newest first, each with its last attempt; status=dead for the dead letters",
          params: EstateParams,
          querystring: z.object({ status: z.enum(DELIVERY_STATUSES).optional(), limit: z.coerce.number().int().min(1).max(MAX_DELIVERY_LOG_ROWS).default(50) }),
          response: { 200: z.object({ deliveries: z.array(DeliveryViewSchema) }), ...errors },
        },
      },
      async (request) => ({
        deliveries: (await desk.deliveries(signedInCaller(request), request.params.estate_id, { ...(request.query.status ? { status: request.query.status } : {}), limit: request.query.limit })).map(deliveryView),
      }),
    );

    app.post(
      '/estates/:estate_id/notifications/deliveries/:delivery_id/retry',
      {
        config: access,
        schema: { summary: 'Put a dead letter back in the queue, to be sent at once with a fresh count of attempts', params: DeliveryParams, response: { 200: DeliveryViewSchema, ...errors } },
      },
      async (request) => deliveryView(await desk.retry(signedInCaller(request), request.params.estate_id, request.params.delivery_id)),
    );
  };
