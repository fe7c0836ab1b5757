/**
 * Why a notification is sent. Ticket purposes are enqueued by dispatch and escalation; the last
 * three are the notification system's own.
 */
export const NOTIFICATION_PURPOSES = [
  'ticket_assigned',
  'ticket_informed',
  'ack_overdue',
  'on_site_overdue',
  'follow_up_due',
  'follow_up_overdue',
  'pool_expired',
  /** A non-urgent ticket waits in the grab pool (抢单) for whoever takes it first. */
  'ticket_pooled',
  /** The alert cleared before anyone acknowledged: the people assigned are asked to follow up. */
  'alert_cleared',
  /** Someone asks to put a ticket on hold; a supervisor approves or refuses. */
  'hold_requested',
  'ticket_reassigned',
  'devices_offline_grouped',
  /** A delivery gave up: told to the estate's admins on its other channels and the log. */
  'dead_letter_warning',
  'daily_digest',
  /** An administrator's test of one channel, sent at once, never retried. */
  'channel_test',
] as const;
export type NotificationPurpose = (typeof NOTIFICATION_PURPOSES)[number];

/** A dead letter of these raises no warning of its own: no warnings about warnings, and a failed test is answered to whoever ran it. */
export const PURPOSES_WITHOUT_DEAD_LETTER_WARNING: ReadonlySet<NotificationPurpose> = new Set(['dead_letter_warning', 'channel_test']);
