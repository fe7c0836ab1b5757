import { newId } from '../../shared/ids.js';
import type { Clock } from '../../shared/time/clock.js';
import { demand, requireEstate } from '../access/access-scope.js';
import { actorLabel, type Caller } from '../access/caller.js';
import type { Permission } from '../access/permissions.js';
import type { SqlDatabase } from '../db/sql-database.js';
import { timestampParam } from '../db/sql-values.js';
import { AppError, invalidField, notFound } from '../platform/app-error.js';
import { parseInput } from '../platform/parse-input.js';
import { ChannelRepository, type ChannelRecord, type StoredChannel } from './channel-repository.js';
import { ChannelChangeSchema, NewChannelSchema, type ChannelChange, type NewChannel } from './channel-schemas.js';
import { generateWebhookSecret, webhookKey } from './channels/webhook-channel.js';
import { insertDelivery } from './delivery-release.js';
import { DeliveryLogRepository, type DeliveryRecord } from './delivery-log-repository.js';
import type { DeliveryStatus } from './delivery-completion.js';
import type { AttemptReport, NotificationDispatcher } from './notification-dispatcher.js';

/** Channels and the delivery log are part of setting an estate up: its administrators manage them. */
export const NOTIFICATION_MANAGE: Permission = 'estate.manage';

/** Deliveries the log answers at most per request. */
export const MAX_DELIVERY_LOG_ROWS = 200;

/**
 * What an estate's administrators do with notifications: add, change and delete its channels
 * (secrets are written, never read back), send a channel a test message, read the delivery log and
 * dead letters, and put a dead letter back in the queue. Another estate's channel or delivery is
 * not found.
 */
export class NotificationChannelService {
  private readonly channels = new ChannelRepository();
  private readonly log = new DeliveryLogRepository();

  constructor(
    private readonly db: SqlDatabase,
    private readonly clock: Clock,
    private readonly dispatcher: Pick<NotificationDispatcher, 'sendNow' | 'wake'>,
  ) {}

  async list(caller: Caller, estateId: string): Promise<ChannelRecord[]> {
    this.require(caller, estateId);
    return this.db.transaction((tx) => this.channels.list(tx, estateId));
  }

  /** The new channel, and the webhook secret generated for it (shown once) when none was given. */
  async create(caller: Caller, estateId: string, input: NewChannel): Promise<{ channel: ChannelRecord; generatedSecret: string | null }> {
    this.require(caller, estateId);
    const given = parseInput(NewChannelSchema, input, 'channel');
    const generatedSecret = given.kind === 'webhook' && given.secret === null ? generateWebhookSecret() : null;
    const channel = await this.db.transaction((tx) =>
      this.channels.insert(
        tx,
        {
          id: newId(),
          estateId,
          kind: given.kind,
          name: given.name,
          url: given.url,
          secret: generatedSecret ?? given.secret,
          language: given.language,
          showResidentNames: given.show_resident_names,
          enabled: given.enabled,
        },
        this.clock.now(),
        actorLabel(caller),
      ),
    );
    return { channel, generatedSecret };
  }

  async update(caller: Caller, estateId: string, channelId: string, input: ChannelChange): Promise<ChannelRecord> {
    this.require(caller, estateId);
    const change = parseInput(ChannelChangeSchema, input, 'channel');
    return this.db.transaction(async (tx) => {
      const stored = await this.channels.findForUpdate(tx, estateId, channelId);
      if (!stored) throw notFound('notification channel', channelId);
      if (stored.kind === 'log' && change.url !== undefined) throw invalidField('url', 'a log channel has no URL');
      if (stored.kind === 'webhook' && change.secret !== undefined && (change.secret === null || webhookKey(change.secret) === null)) {
        throw invalidField('secret', 'a webhook secret is "whsec_" followed by base64');
      }
      const changed: StoredChannel = {
        ...stored,
        name: change.name ?? stored.name,
        url: change.url ?? stored.url,
        secret: change.secret === undefined ? stored.secret : change.secret,
        language: change.language ?? stored.language,
        showResidentNames: change.show_resident_names ?? stored.showResidentNames,
        enabled: change.enabled ?? stored.enabled,
      };
      return this.channels.update(tx, changed, this.clock.now());
    });
  }

  async remove(caller: Caller, estateId: string, channelId: string): Promise<void> {
    this.require(caller, estateId);
    await this.db.transaction(async (tx) => {
      if (!(await this.channels.findForUpdate(tx, estateId, channelId))) throw notFound('notification channel', channelId);
      await this.channels.remove(tx, channelId, this.clock.now());
    });
  }

  /**
   * Sends the channel a 'channel_test' message now (mentioning the caller, when a staff member) and
   * answers the attempt. A test is never retried: a failure is a dead letter at once, without a
   * dead-letter warning (the administrator sees it in this answer).
   */
  async test(caller: Caller, estateId: string, channelId: string): Promise<AttemptReport> {
    this.require(caller, estateId);
    const now = this.clock.now();
    const deliveryId = await this.db.transaction(async (tx) => {
      const stored = await this.channels.findForUpdate(tx, estateId, channelId);
      if (!stored) throw notFound('notification channel', channelId);
      const notificationId = newId();
      const recipients = 'staffId' in caller.identity ? [caller.identity.staffId] : [];
      await tx.query(
        `INSERT INTO notifications (id, estate_id, ticket_id, purpose, chain, step, recipient_staff_ids, audience, send_at, dedupe_key, details, status, released_at, created_at)
         VALUES ($1, $2, NULL, 'channel_test', NULL, 0, $3::text[], 'admin', $4, $5, '{}'::jsonb, 'queued', $4, $4)`,
        [notificationId, estateId, recipients, timestampParam(now), `channel_test:${notificationId}`],
      );
      return insertDelivery(tx, notificationId, estateId, channelId, now);
    });
    const report = await this.dispatcher.sendNow(deliveryId);
    if (!report) {
      throw new AppError('rate_limited', 'channel_busy', 'the channel is at its rate limit (or another cloud instance is sending the test); the test message goes out when it can: see the delivery log', {
        details: { delivery_id: deliveryId },
      });
    }
    return report;
  }

  async deliveries(caller: Caller, estateId: string, filter: { status?: DeliveryStatus; limit?: number }): Promise<DeliveryRecord[]> {
    this.require(caller, estateId);
    const limit = Math.min(filter.limit ?? 50, MAX_DELIVERY_LOG_ROWS);
    return this.db.transaction((tx) => this.log.list(tx, estateId, { ...(filter.status ? { status: filter.status } : {}), limit }));
  }

  /** Puts a dead letter back in the queue, to be sent at once. */
  async retry(caller: Caller, estateId: string, deliveryId: string): Promise<DeliveryRecord> {
    this.require(caller, estateId);
    const record = await this.db.transaction(async (tx) => {
      const found = await this.log.requeueDead(tx, estateId, deliveryId, this.clock.now());
      if (found === 'missing') throw notFound('delivery', deliveryId);
      if (found === 'not_dead') throw new AppError('conflict', 'delivery_not_dead', `delivery ${deliveryId} is not a dead letter; only dead letters are sent again`);
      return (await this.log.list(tx, estateId, { deliveryId, limit: 1 }))[0]!;
    });
    this.dispatcher.wake();
    return record;
  }

  private require(caller: Caller, estateId: string): void {
    requireEstate(caller, estateId);
    demand(caller, NOTIFICATION_MANAGE, { estateId });
  }
}
