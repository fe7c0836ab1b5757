import { performance } from 'node:perf_hooks';
import type { Component } from '../../shared/lifecycle/component.js';
import type { Logger } from '../../shared/log/logger.js';
import type { Clock } from '../../shared/time/clock.js';
import type { SqlDatabase } from '../db/sql-database.js';
import type { SendOutcome } from './channels/channel.js';
import type { ChannelSenders } from './channels/channel-senders.js';
import { failure } from './channels/http-post.js';
import { claimDueDeliveries, type ClaimedDelivery } from './delivery-claims.js';
import { completeDelivery, type CompletedStatus, type DeadLetterHook } from './delivery-completion.js';
import { CLAIM_BATCH_SIZE, DISPATCH_INTERVAL_MS, SEND_TIMEOUT_MS } from './delivery-policy.js';
import { releaseDueNotifications } from './delivery-release.js';
import { loadMessageContext } from './message-context-loader.js';
import { renderMessage } from './message-renderer.js';

export interface DispatcherOptions {
  /** The console's address, for the link in every message. */
  publicUrl: string;
  sendTimeoutMs?: number;
  intervalMs?: number;
  batchSize?: number;
}

/** One attempt as it ended. */
export interface AttemptReport {
  deliveryId: string;
  notificationId: string;
  channelId: string | null;
  attempt: number;
  outcome: SendOutcome;
  latencyMs: number;
  /** What the delivery became; null when another instance had taken it over. */
  status: CompletedStatus;
}

/** Rounds of release-and-claim one runDue() makes at most before it yields to the next tick. */
const MAX_ROUNDS_PER_RUN = 50;

/**
 * Sends what the queue holds when it falls due. Each run releases due notifications into
 * deliveries, then claims due deliveries (FOR UPDATE SKIP LOCKED, so several instances share the
 * work and send each once), sends a round concurrently, and records each answer; until nothing is
 * left to claim. Runs of one instance never overlap. In production an interval drives it, and
 * wake() runs it at once after an enqueue; tests call runDue() after moving a ManualClock.
 */
export class NotificationDispatcher implements Component {
  readonly name = 'notification-dispatcher';
  private timer: NodeJS.Timeout | null = null;
  private tail: Promise<unknown> = Promise.resolve();
  private pendingWake = false;
  private readonly attemptListeners = new Set<(report: AttemptReport) => void>();

  constructor(
    private readonly db: SqlDatabase,
    private readonly senders: ChannelSenders,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly onDead: DeadLetterHook,
    private readonly options: DispatcherOptions,
  ) {}

  async start(): Promise<void> {
    if (this.timer) return;
    this.timer = setInterval(() => this.wake(), this.options.intervalMs ?? DISPATCH_INTERVAL_MS);
    this.timer.unref();
    this.wake();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.tail.catch(() => undefined);
  }

  /** Runs soon, once, however often it is called meanwhile; failures are logged. */
  wake(): void {
    if (this.pendingWake) return;
    this.pendingWake = true;
    void this.enqueueRun(async () => {
      this.pendingWake = false;
      return this.runOnce();
    }).catch((error: unknown) => this.logger.error({ err: error }, 'notification dispatch failed'));
  }

  /** Sends everything due now; resolves with the number of attempts made. */
  runDue(): Promise<number> {
    return this.enqueueRun(() => this.runOnce());
  }

  /**
   * Sends one delivery now (an administrator's channel test): the attempt, or null when it could not
   * be claimed (the channel is at its rate limit, or another instance is sending it). A run of this
   * instance that came first may have claimed it among the due deliveries: its attempt is the answer.
   */
  sendNow(deliveryId: string): Promise<AttemptReport | null> {
    let attempted: AttemptReport | null = null;
    const stopListening = this.onAttempt((report) => {
      if (report.deliveryId === deliveryId) attempted = report;
    });
    return this.enqueueRun(async () => {
      try {
        const [claimed] = await claimDueDeliveries(this.db, this.clock.now(), 1, { deliveryId });
        return claimed ? await this.send(claimed) : attempted;
      } finally {
        stopListening();
      }
    });
  }

  /** Called after every attempt, with how it ended. */
  onAttempt(listener: (report: AttemptReport) => void): () => void {
    this.attemptListeners.add(listener);
    return () => this.attemptListeners.delete(listener);
  }

  private enqueueRun<T>(run: () => Promise<T>): Promise<T> {
    const result = this.tail.then(run, run);
    this.tail = result.catch(() => undefined);
    return result;
  }

  private async runOnce(): Promise<number> {
    let attempts = 0;
    for (let round = 0; round < MAX_ROUNDS_PER_RUN; round += 1) {
      const released = await releaseDueNotifications(this.db, this.clock.now());
      const claimed = await claimDueDeliveries(this.db, this.clock.now(), this.options.batchSize ?? CLAIM_BATCH_SIZE);
      if (released === 0 && claimed.length === 0) break;
      await Promise.all(claimed.map((delivery) => this.send(delivery)));
      attempts += claimed.length;
    }
    return attempts;
  }

  private async send(delivery: ClaimedDelivery): Promise<AttemptReport> {
    const started = performance.now();
    let outcome: SendOutcome;
    try {
      const context = await loadMessageContext(this.db, delivery.deliveryId, delivery.notificationId, delivery.channelName);
      const message = renderMessage(context, { language: delivery.language, showResidentDetails: delivery.showResidentNames, publicUrl: this.options.publicUrl });
      outcome = await this.senders[delivery.target.kind].send(delivery.target, message, { now: this.clock.now(), timeoutMs: this.options.sendTimeoutMs ?? SEND_TIMEOUT_MS });
    } catch (error) {
      // A sender never throws; this is the database or the renderer, and worth another try.
      this.logger.error({ err: error, delivery_id: delivery.deliveryId }, 'could not prepare a notification');
      outcome = failure('retryable', null, 'the message could not be prepared');
    }
    const latencyMs = performance.now() - started;
    const status = await completeDelivery(this.db, delivery, outcome, latencyMs, this.clock.now(), this.onDead);
    const report: AttemptReport = { deliveryId: delivery.deliveryId, notificationId: delivery.notificationId, channelId: delivery.target.id, attempt: delivery.attempt, outcome, latencyMs, status };
    if (outcome.classification !== 'ok') {
      // The channel's id and kind, never its URL (a robot's key is in it) or secret.
      this.logger.warn(
        { delivery_id: delivery.deliveryId, channel_id: delivery.target.id, channel_kind: delivery.target.kind, attempt: delivery.attempt, classification: outcome.classification, http_status: outcome.httpStatus, answer_code: outcome.answerCode, error: outcome.error, status },
        'notification attempt failed',
      );
    }
    for (const listener of this.attemptListeners) listener(report);
    return report;
  }
}
