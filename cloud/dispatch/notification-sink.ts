import type { NotificationQueue } from '../notifications/notification-queue.js';

/** The notification queue as dispatch uses it: enqueue and cancel inside the caller's transaction. */
export type NotificationSink = Pick<NotificationQueue, 'enqueue' | 'cancelChain'>;
