import type { AlertItem } from '../../shared/contract/index.js';
import type { Logger } from '../../shared/log/logger.js';
import type { Availability, DeviceDataProblem, DeviceSink } from '../drivers/driver.js';
import type { CanonicalEvent, ReadingFrame } from '../model/device-data.js';
import type { Outbox, OutboxChannel, OutboxItems } from '../outbox/outbox.js';
import { eventForUplink, readingsForUplink } from '../privacy/uplink-policy.js';
import type { RuleEngine } from '../rules/rule-engine.js';
import { countProblem, emptyStats, type GatewayStats } from './gateway-stats.js';

export interface DevicePipelineOptions {
  engine: RuleEngine;
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
 */
export class DevicePipeline implements DeviceSink {
  private readonly counters: GatewayStats = emptyStats();
  private readonly offline = new Set<string>();
  private tail: Promise<void> = Promise.resolve();

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

  /** Settles when everything handed in so far is in the outbox. */
  settled(): Promise<void> {
    return this.tail;
  }

  private enqueue<C extends OutboxChannel>(alerts: AlertItem[], channel: C, items: Array<OutboxItems[C]>): void {
    for (const alert of alerts) {
      this.counters.alerts += 1;
      this.notify(alert);
    }
    if (alerts.length === 0 && items.length === 0) return;
    const { outbox, onAppended, logger } = this.options;
    this.tail = this.tail
      .then(async () => {
        if (alerts.length > 0) await outbox.append('alerts', alerts);
        if (items.length > 0) await outbox.append(channel, items);
        onAppended();
      })
      .catch((error: unknown) => logger.error({ err: error, channel }, 'appending to the outbox failed'));
  }

  private notify(alert: AlertItem): void {
    try {
      this.options.onAlert(alert);
    } catch (error) {
      this.options.logger.error({ err: error }, 'an alert listener failed');
    }
  }
}
