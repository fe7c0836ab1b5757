import type { Component } from '../../shared/lifecycle/component.js';
import type { Logger } from '../../shared/log/logger.js';
import type { HouseholdActivityErasure } from './activity-erasure.js';

/** How often an erasure the store could not do at withdrawal (InfluxDB down) is tried again. */
export const ERASURE_RETRY_MS = 10 * 60_000;

/**
 * Tries the household erasures still due, every ERASURE_RETRY_MS. Deleting a household's hours is
 * idempotent, so two cloud instances doing it at once need no claim; the erasure is marked done by
 * whichever finishes (activity-erasure.ts).
 */
export class ErasureRetry implements Component {
  readonly name = 'household-activity-erasure-retry';
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly erasure: Pick<HouseholdActivityErasure, 'eraseDue'>,
    private readonly logger: Logger,
  ) {}

  async start(): Promise<void> {
    this.timer = setInterval(() => {
      this.erasure.eraseDue().catch((error: unknown) => this.logger.error({ err: error }, 'retrying household activity erasures failed'));
    }, ERASURE_RETRY_MS);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}
