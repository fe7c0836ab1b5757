import { toWireTime, type BusCounters, type DeviceClock, type OnlineStatus } from '../../shared/contract/index.js';
import type { Component } from '../../shared/lifecycle/component.js';
import type { Logger } from '../../shared/log/logger.js';
import type { Clock } from '../../shared/time/clock.js';
import { SOFTWARE_VERSION } from '../../shared/version.js';
import type { Outbox, OutboxStats } from '../outbox/outbox.js';
import type { UplinkClient } from './uplink-client.js';

/** How long stop() waits for the broker to acknowledge the retained "shutdown" status. */
export const SHUTDOWN_STATUS_TIMEOUT_MS = 2000;

export interface StatusReporterOptions {
  uplink: UplinkClient;
  outbox: Outbox;
  clock: Clock;
  intervalMs: number;
  devicesOffline: () => string[];
  /** Devices whose clock is off (edge/pipeline/device-clocks.ts). */
  deviceClocks: () => DeviceClock[];
  /** Counters of every field bus (edge/bus/bus-counters.ts). */
  buses: () => BusCounters[];
  /** The rules config version in force (edge/config-sync); null on the built-in defaults. */
  configVersion: () => string | null;
  logger: Logger;
}

/**
 * Keeps the retained status topic true: online with health figures on every connect and every
 * interval, {online:false, reason:'shutdown'} on a clean stop (the last will covers the unclean one).
 */
export class StatusReporter implements Component {
  readonly name = 'status-reporter';
  private startedAt = 0;
  private timer: NodeJS.Timeout | null = null;
  private unsubscribe: (() => void) | null = null;

  constructor(private readonly options: StatusReporterOptions) {}

  async start(): Promise<void> {
    const { uplink, intervalMs } = this.options;
    this.startedAt = this.options.clock.now();
    this.unsubscribe = uplink.onConnect(() => void this.publishOnline());
    this.timer = setInterval(() => void this.publishOnline(), intervalMs);
    if (uplink.connected) await this.publishOnline();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.unsubscribe?.();
    this.unsubscribe = null;
    if (!this.options.uplink.connected) return;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, SHUTDOWN_STATUS_TIMEOUT_MS);
    });
    const published = this.options.uplink
      .publishStatus({ online: false, reason: 'shutdown' })
      .catch((error: unknown) => this.options.logger.warn({ err: error }, 'shutdown status not delivered'));
    await Promise.race([published, timeout]);
    clearTimeout(timer);
  }

  async snapshot(): Promise<OnlineStatus> {
    const now = this.options.clock.now();
    const outbox = await this.options.outbox.stats();
    return {
      online: true,
      software_version: SOFTWARE_VERSION,
      config_version: this.options.configVersion(),
      uptime_s: Math.max(0, (now - this.startedAt) / 1000),
      outbox: {
        depth: outbox.depth,
        oldest_unsent_age_s: outbox.oldest_appended_at === null ? null : Math.max(0, (now - outbox.oldest_appended_at) / 1000),
        awaiting_receipt: this.options.uplink.awaitingReceipt,
        refused_by_cloud: this.options.uplink.itemsRefusedByCloud,
        ...budgetFiguresOf(outbox),
      },
      buses: this.options.buses(),
      devices_offline: this.options.devicesOffline(),
      watermark: watermarkOf(outbox),
      device_clocks: this.options.deviceClocks(),
    };
  }

  private async publishOnline(): Promise<void> {
    if (!this.options.uplink.connected) return;
    try {
      await this.options.uplink.publishStatus(await this.snapshot());
    } catch (error) {
      this.options.logger.warn({ err: error }, 'online status not delivered; the next interval tries again');
    }
  }
}

/** The disk budget's figures, when the outbox has a budget. */
function budgetFiguresOf(outbox: OutboxStats): Partial<OnlineStatus['outbox']> {
  if (outbox.thinned_telemetry === undefined) return {};
  const dropped = outbox.telemetry_dropped_through ?? null;
  return {
    thinned_telemetry: outbox.thinned_telemetry,
    evicted_telemetry: outbox.evicted_telemetry ?? 0,
    telemetry_dropped_through: dropped === null ? null : toWireTime(dropped),
  };
}

/**
 * "Everything with an event time up to T has been delivered":
 * - nothing delivered yet: null;
 * - outbox empty: the latest event time of any item acknowledged so far;
 * - outbox not empty: 1 ms before the earliest event time still waiting.
 * Readings dropped under the disk budget leave the outbox undelivered, so the watermark passes them;
 * the status dates and counts them beside it (telemetry_dropped_through, thinned/evicted_telemetry).
 * Not monotonic: an item appended late with an old event time (a device replaying its backlog) pulls
 * the watermark back, which is the truth; the cloud must not assume it only moves forward.
 */
export function watermarkOf(outbox: OutboxStats): string | null {
  if (outbox.latest_acknowledged_event_time === null) return null;
  if (outbox.earliest_pending_event_time === null) return toWireTime(outbox.latest_acknowledged_event_time);
  return toWireTime(outbox.earliest_pending_event_time - 1);
}
