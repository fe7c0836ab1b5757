import type { Component } from '../../shared/lifecycle/component.js';
import type { Logger } from '../../shared/log/logger.js';
import type { Clock } from '../../shared/time/clock.js';
import type { SqlDatabase } from '../db/sql-database.js';
import { channelSenders, type ChannelSenders } from './channels/channel-senders.js';
import { deadLetterWarning } from './dead-letter-warning.js';
import { NotificationChannelService } from './notification-channel-service.js';
import { NotificationDispatcher, type DispatcherOptions } from './notification-dispatcher.js';
import { NotificationQueue } from './notification-queue.js';

export interface Notifications {
  /** Enqueue and cancel, inside the caller's transaction; then dispatcher.wake() after it commits, for what is due now. */
  queue: NotificationQueue;
  dispatcher: NotificationDispatcher;
  /** What the API's notification routes call. */
  channels: NotificationChannelService;
  /** Starts and stops the dispatcher. */
  component: Component;
}

export interface NotificationSettings extends DispatcherOptions {
  /** Replaces the senders (a test's recording sender); the real ones by default. */
  senders?: ChannelSenders;
}

/** The notification system over the cloud's database: the queue, its dispatcher and the channel desk. */
export function buildNotifications(db: SqlDatabase, settings: NotificationSettings, clock: Clock, logger: Logger): Notifications {
  const log = logger.child({ component: 'notifications' });
  const queue = new NotificationQueue(clock);
  const dispatcher = new NotificationDispatcher(db, settings.senders ?? channelSenders(log), clock, log, deadLetterWarning(queue, () => clock.now()), settings);
  return { queue, dispatcher, channels: new NotificationChannelService(db, clock, dispatcher), component: dispatcher };
}
