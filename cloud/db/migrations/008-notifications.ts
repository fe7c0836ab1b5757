import type { Migration } from './migration.js';

/**
 * The notification queue and its delivery log. A notification is one message due at send_at to some
 * staff of an estate (enqueued by whoever decides it is due, inside their own transaction; dedupe_key
 * UNIQUE makes a repeated enqueue a no-op, never read-then-insert). When it falls due it is released:
 * one delivery per enabled channel of the estate (channel_id NULL: the process log, used when the
 * estate has no channel). Every HTTP request of a delivery is one attempt row, written when the
 * request is claimed and completed with the answer, so the per-channel rate window counts requests
 * in flight on every cloud instance. Times come from the service's clock, never now().
 *
 * Also: staff.mobile (WeCom and DingTalk mention by mobile) and staff.feishu_open_id (Feishu mentions
 * by open_id). Messages give local times in estates.time_zone (007-dispatch).
 */
export const notificationsMigration: Migration = {
  id: '008-notifications',
  statements: [
    `ALTER TABLE staff ADD COLUMN mobile text, ADD COLUMN feishu_open_id text`,
    // secret: the signing secret (DingTalk, Feishu, Standard Webhooks "whsec_..."); never returned by the API.
    `CREATE TABLE notification_channels (
      id text PRIMARY KEY,
      estate_id text NOT NULL REFERENCES estates (id),
      kind text NOT NULL CHECK (kind IN ('wecom', 'dingtalk', 'feishu', 'webhook', 'log')),
      name text NOT NULL,
      url text,
      secret text,
      language text NOT NULL DEFAULT 'zh' CHECK (language IN ('zh', 'en')),
      show_resident_names boolean NOT NULL DEFAULT false,
      enabled boolean NOT NULL DEFAULT true,
      created_at timestamptz NOT NULL,
      created_by text NOT NULL,
      updated_at timestamptz NOT NULL,
      deleted_at timestamptz,
      CHECK (kind = 'log' OR url IS NOT NULL)
    )`,
    `CREATE INDEX notification_channels_estate_idx ON notification_channels (estate_id) WHERE deleted_at IS NULL`,
    // purpose is not CHECKed here: the set grows with the code (notification-purpose.ts) without a migration.
    // group_key: notifications of one estate with the same key, due within the grouping window, go out as one
    // message; the first one leads (its deliveries carry the message), the others point to it by grouped_into.
    `CREATE TABLE notifications (
      id text PRIMARY KEY,
      estate_id text NOT NULL REFERENCES estates (id),
      ticket_id text REFERENCES tickets (id) ON DELETE CASCADE,
      purpose text NOT NULL,
      chain text,
      step integer NOT NULL DEFAULT 0,
      recipient_staff_ids text[] NOT NULL DEFAULT '{}',
      audience text NOT NULL,
      send_at timestamptz NOT NULL,
      dedupe_key text NOT NULL UNIQUE,
      group_key text,
      grouped_into text REFERENCES notifications (id),
      details jsonb NOT NULL DEFAULT '{}'::jsonb,
      status text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'sent', 'cancelled', 'dead')),
      cancelled_reason text,
      released_at timestamptz,
      finished_at timestamptz,
      created_at timestamptz NOT NULL
    )`,
    `CREATE INDEX notifications_due_idx ON notifications (send_at) WHERE status = 'queued' AND released_at IS NULL`,
    `CREATE INDEX notifications_ticket_idx ON notifications (ticket_id, chain) WHERE ticket_id IS NOT NULL`,
    `CREATE INDEX notifications_group_idx ON notifications (estate_id, group_key, send_at) WHERE group_key IS NOT NULL`,
    // lease_until and claim_token: a delivery being sent; an instance that dies mid-send leaves it to be
    // claimed again once the lease ends (at-least-once across a crash, exactly once otherwise).
    `CREATE TABLE notification_deliveries (
      id text PRIMARY KEY,
      notification_id text NOT NULL REFERENCES notifications (id) ON DELETE CASCADE,
      estate_id text NOT NULL REFERENCES estates (id),
      channel_id text REFERENCES notification_channels (id),
      status text NOT NULL CHECK (status IN ('queued', 'sending', 'sent', 'retrying', 'dead', 'cancelled')),
      attempts integer NOT NULL DEFAULT 0,
      next_attempt_at timestamptz NOT NULL,
      lease_until timestamptz,
      claim_token text,
      last_error text,
      queued_at timestamptz NOT NULL,
      sent_at timestamptz,
      dead_at timestamptz,
      cancelled_reason text
    )`,
    `CREATE UNIQUE INDEX notification_deliveries_channel_idx ON notification_deliveries (notification_id, COALESCE(channel_id, ''))`,
    `CREATE INDEX notification_deliveries_due_idx ON notification_deliveries (next_attempt_at) WHERE status IN ('queued', 'retrying', 'sending')`,
    `CREATE INDEX notification_deliveries_log_idx ON notification_deliveries (estate_id, status, queued_at DESC)`,
    // classification NULL: the request is in flight.
    `CREATE TABLE notification_attempts (
      id bigserial PRIMARY KEY,
      delivery_id text NOT NULL REFERENCES notification_deliveries (id) ON DELETE CASCADE,
      channel_id text,
      channel_kind text NOT NULL,
      at timestamptz NOT NULL,
      http_status integer,
      answer_code text,
      classification text CHECK (classification IN ('ok', 'retryable', 'permanent', 'timeout', 'network')),
      error text,
      latency_ms integer
    )`,
    `CREATE INDEX notification_attempts_delivery_idx ON notification_attempts (delivery_id, id)`,
    `CREATE INDEX notification_attempts_channel_window_idx ON notification_attempts (channel_id, at) WHERE channel_id IS NOT NULL`,
  ],
};
