import type { AlertItem } from '../../shared/contract/index.js';
import type { Logger } from '../../shared/log/logger.js';
import type { Clock } from '../../shared/time/clock.js';
import type { Availability, DeviceDataProblem, DeviceSink } from '../drivers/driver.js';
import type { CanonicalEvent, ReadingFrame } from '../model/device-data.js';
import type { Outbox, OutboxChannel, OutboxItems } from '../outbox/outbox.js';
import { eventForUplink, readingsForUplink } from '../privacy/uplink-policy.js';
import type { RuleInputs } from '../rules/engine/rules-runtime.js';
import { countProblem, emptyStats, type GatewayStats } from './gateway-stats.js';

/**
 * Longest wait before rule state changes are committed. Each commit writes every page it touched to
 * the WAL and syncs it (synchronous=FULL); committing each poll's frame alone would write the same
 * pages dozens of times a second and wear the gateway's eMMC for nothing.
 */
export const RULE_STATE_COMMIT_MS = 1000;

export interface DevicePipelineOptions {
  /** The rules (edge/rules/engine/rules-runtime.ts), without autoCommit: the pipeline commits per batch. */
  engine: RuleInputs;
  /** Stamps availability changes, which carry no time of their own. */
  clock: Clock;
  outbox: Outbox;
  /** Told after every append, so the uplink drains at once. */
  onAppended: () => void;
  onAlert: (alert: AlertItem) => void;
  logger: Logger;
}

/**
 * The sink every driver feeds: rules first, then the outbox (alerts before the event that caused
 * them), with the uplink policy deciding what of the raw data may leave. Appends are chained so items
 * enter the outbox in the order they happened.
 *
 * Rule state is committed per batch, not per reading: the inputs of up to RULE_STATE_COMMIT_MS go
 * into one transaction, and any alert waits for the commit of the state that raised it before it is
 * appended to the outbox. A power cut loses at most that long of rule state, never a raised alert.
 */
export class DevicePipeline implements DeviceSink {
  private readonly counters: GatewayStats = emptyStats();
  private readonly offline = new Set<string>();
  private tail: Promise<void> = Promise.resolve();
  private commitTimer: NodeJS.Timeout | null = null;

  constructor(private readonly options: DevicePipelineOptions) {}

  event(event: CanonicalEvent): void {
    this.counters.events += 1;
    const alerts = this.options.engine.onEvent(event);
    const uplinked = eventForUplink(event);
    if (!uplinked) this.counters.withheld_events += 1;
    this.enqueue(alerts, 'events', uplinked ? [uplinked] : []);
  }

  readings(frame: ReadingFrame): void {
    this.counters.readings += frame.readings.length;
    const alerts = this.options.engine.onReadings(frame);
    this.enqueue(alerts, 'telemetry', readingsForUplink(frame));
  }

  availability(deviceId: string, availability: Availability): void {
    if (availability.online) this.offline.delete(deviceId);
    else this.offline.add(deviceId);
    this.options.logger.info({ device: deviceId, ...availability }, 'device availability changed');
    this.enqueue(this.options.engine.onAvailability(deviceId, availability, this.options.clock.now()), 'events', []);
  }

  /** Wall-clock time passed (the gateway's tick): timers due by `now` fire. */
  tick(now: number): void {
    this.enqueue(this.options.engine.advanceTo(now), 'events', []);
  }

  /** Writes the rule state changes not yet committed (also done on its own within RULE_STATE_COMMIT_MS). */
  commit(): void {
    this.options.engine.commit();
  }

  rejected(_deviceId: string, problem: DeviceDataProblem): void {
    countProblem(this.counters.rejected, problem.code);
  }

  ignored(_deviceId: string, problem: DeviceDataProblem): void {
    countProblem(this.counters.ignored, problem.code);
  }

  devicesOffline(): string[] {
    return [...this.offline].sort();
  }

  stats(): GatewayStats {
    return structuredClone(this.counters);
  }

  /** Alerts the rules kept from before a power cut (rules-runtime.ts): into the outbox again, unannounced. */
  resendUnsent(alerts: AlertItem[]): void {
    this.append(alerts, 'events', []);
  }

  /** Settles when everything handed in so far is in the outbox. */
  settled(): Promise<void> {
    return this.tail;
  }

  private enqueue<C extends OutboxChannel>(alerts: AlertItem[], channel: C, items: Array<OutboxItems[C]>): void {
    this.scheduleCommit();
    for (const alert of alerts) {
      this.counters.alerts += 1;
      this.notify(alert);
    }
    this.append(alerts, channel, items);
  }

  /**
   * Into the outbox, in order. The alerts are committed in the rule state first (as unsent, with the
   * change that raised them) and forgotten there once the outbox has them, so a power cut between
   * the two loses none (rule-engine.ts, "Unsent alerts").
   */
  private append<C extends OutboxChannel>(alerts: AlertItem[], channel: C, items: Array<OutboxItems[C]>): void {
    if (alerts.length === 0 && items.length === 0) return;
    const { engine, outbox, onAppended, logger } = this.options;
    this.tail = this.tail
      .then(async () => {
        if (alerts.length > 0) {
          this.commit();
          await outbox.append('alerts', alerts);
          engine.handedOver(alerts.map((alert) => alert.id));
        }
        if (items.length > 0) await outbox.append(channel, items);
        onAppended();
      })
      .catch((error: unknown) => logger.error({ err: error, channel }, 'appending to the outbox failed'));
  }

  private scheduleCommit(): void {
    if (this.commitTimer) return;
    this.commitTimer = setTimeout(() => {
      this.commitTimer = null;
      this.commit();
    }, RULE_STATE_COMMIT_MS);
    this.commitTimer.unref(); // the rules commit the rest when they stop
  }

  private notify(alert: AlertItem): void {
    try {
      this.options.onAlert(alert);
    } catch (error) {
      this.options.logger.error({ err: error }, 'an alert listener failed');
    }
  }
}
