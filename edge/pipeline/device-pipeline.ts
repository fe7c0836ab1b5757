import type { AlertItem, DeviceClock, EventItem, ReadingItem } from '../../shared/contract/index.js';
import type { Component } from '../../shared/lifecycle/component.js';
import type { Logger } from '../../shared/log/logger.js';
import type { Clock } from '../../shared/time/clock.js';
import type { Availability, DeviceDataProblem, DeviceSink } from '../drivers/driver.js';
import type { CanonicalEvent, ReadingFrame } from '../model/device-data.js';
import type { Outbox } from '../outbox/outbox.js';
import { eventForUplink, readingsForUplink } from '../privacy/uplink-policy.js';
import type { RuleInputs } from '../rules/engine/rules-runtime.js';
import type { UnsentItem } from '../rules/state/rule-state-store.js';
import { DeviceClocks } from './device-clocks.js';
import { countProblem, emptyStats, type GatewayStats } from './gateway-stats.js';
import { LatestDeviceStamps } from './latest-device-stamps.js';
import { stampEvent, stampFrame, type Stamped } from './receive-time.js';

/**
 * Longest wait before rule state changes are committed. Each commit writes every page it touched to
 * the WAL and syncs it (synchronous=FULL); committing each poll's frame alone would write the same
 * pages dozens of times a second and wear the gateway's eMMC for nothing.
 */
export const RULE_STATE_COMMIT_MS = 1000;

/** How often wall-clock time is fed to the rules: a timer fires within this of its due time. */
export const ENGINE_TICK_MS = 1000;

export interface DevicePipelineOptions {
  /** The rules (edge/rules/engine/rules-runtime.ts), without autoCommit: the pipeline commits per batch. */
  engine: RuleInputs;
  /** The gateway's clock: receive time of device data, and the stamp of availability changes. */
  clock: Clock;
  outbox: Outbox;
  /** Told after every append, so the uplink drains at once. */
  onAppended: () => void;
  onAlert: (alert: AlertItem) => void;
  logger: Logger;
  tickMs?: number;
  /**
   * Told of each event and frame with the event time judged here, after the rules and the outbox
   * have it (the household activity aggregates, edge/household-activity/): what the pipeline does
   * with an input never waits for them, and every one sees the same time the rules saw.
   */
  observers?: readonly DeviceDataObserver[];
}

export interface DeviceDataObserver {
  event(event: CanonicalEvent): void;
  readings(frame: ReadingFrame): void;
}

/** What an input sends up besides its alerts: events or readings. */
type Uplink = { channel: 'events'; items: EventItem[] } | { channel: 'telemetry'; items: ReadingItem[] };

const NO_UPLINK: Uplink = { channel: 'events', items: [] };

/**
 * The sink every driver feeds: rules first, then the outbox (alerts before the event that caused
 * them), with the uplink policy deciding what of the raw data may leave. Appends are chained so items
 * enter the outbox in the order they happened.
 *
 * Time: drivers hand data in as they receive it, so the gateway's clock at the call is its receive
 * time. Every event and frame is judged against it (receive-time.ts): nothing gets an event time
 * later than its receipt but to keep one device's order (a release stamped 1 ms after a press and
 * read at the same instant stays after it: a few ms at most, never past the device's stamp), and a
 * device whose clock is wrong has its data stamped by receive time, reported in the status
 * (deviceClocks()). So engine time, which the latest input moves, never runs ahead of the gateway's
 * clock by more than that: one fast device cannot fire another device's timers early.
 *
 * Rule state is committed per batch, not per reading: the inputs of up to RULE_STATE_COMMIT_MS go
 * into one transaction. An alert or event goes to the outbox only after the commit that holds it,
 * kept unsent with the state of the input it came with (rule-engine.ts, "Unsent items"): a power
 * cut loses at most that long of rule state, never an alert or an event whose input the state holds.
 */
export class DevicePipeline implements DeviceSink, Component {
  readonly name = 'pipeline';
  private readonly counters: GatewayStats = emptyStats();
  private readonly offline = new Set<string>();
  private readonly clocks = new DeviceClocks();
  /** Each device's latest stamp, to keep its order (receive-time.ts). */
  private readonly stamps = new LatestDeviceStamps();
  private readonly observers: readonly DeviceDataObserver[];
  private tail: Promise<void> = Promise.resolve();
  private commitTimer: NodeJS.Timeout | null = null;
  /** Appends queued since start; failed ones by number, until a settled() has reported them. */
  private appendsQueued = 0;
  private failedAppends: number[] = [];
  /** Appends up to this number are covered by a settled() call made before. */
  private settledThrough = 0;
  /** An append failed: what the rules keep unsent goes to the outbox again at the next tick. */
  private resendDue = false;
  private ticker: NodeJS.Timeout | null = null;

  constructor(private readonly options: DevicePipelineOptions) {
    this.observers = options.observers ?? [];
  }

  /**
   * Starts after the rules: first what a power cut kept from the outbox goes in again, then the
   * wall-clock tick starts, so a trapped passenger's 15 s pass even if the monitor falls silent.
   */
  async start(): Promise<void> {
    const unsent = this.options.engine.unsent();
    if (unsent.length > 0) {
      this.options.logger.warn({ items: unsent.length }, 'alerts and events from before the last stop not yet in the outbox; appending them again');
      this.resendUnsent(unsent);
    }
    const tick = (): void => this.tick(this.options.clock.now());
    tick();
    this.ticker = setInterval(tick, this.options.tickMs ?? ENGINE_TICK_MS);
    this.ticker.unref();
  }

  /** Stops after the drivers and before the rules: the tick ends and what was handed in reaches the outbox. */
  async stop(): Promise<void> {
    if (this.ticker) clearInterval(this.ticker);
    this.ticker = null;
    // A failed append was logged where it failed; what it held stays kept in the state for the next start.
    await this.settled().catch(() => undefined);
  }

  event(event: CanonicalEvent): void {
    this.counters.events += 1;
    const stamped = this.judged(stampEvent(event, this.options.clock.now(), this.stamps), event.device_id);
    const alerts = this.options.engine.onEvent(stamped);
    const uplinked = eventForUplink(stamped);
    if (!uplinked) this.counters.withheld_events += 1;
    this.enqueue(alerts, { channel: 'events', items: uplinked ? [uplinked] : [] });
    for (const observer of this.observers) observer.event(stamped);
  }

  readings(frame: ReadingFrame): void {
    this.counters.readings += frame.readings.length;
    const stamped = this.judged(stampFrame(frame, this.options.clock.now(), this.stamps), frame.device_id);
    const alerts = this.options.engine.onReadings(stamped);
    this.enqueue(alerts, { channel: 'telemetry', items: readingsForUplink(stamped) });
    for (const observer of this.observers) observer.readings(stamped);
  }

  availability(deviceId: string, availability: Availability): void {
    if (availability.online) this.offline.delete(deviceId);
    else this.offline.add(deviceId);
    this.options.logger.info({ device: deviceId, ...availability }, 'device availability changed');
    this.enqueue(this.options.engine.onAvailability(deviceId, availability, this.options.clock.now()), NO_UPLINK);
  }

  /** Wall-clock time passed (the gateway's tick): timers due by `now` fire. */
  tick(now: number): void {
    this.counters.ticks += 1;
    if (this.resendDue) {
      this.resendDue = false;
      this.resendUnsent(this.options.engine.unsent());
    }
    this.enqueue(this.options.engine.advanceTo(now), NO_UPLINK);
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

  /**
   * Committed at once, with the inputs handed in before: a change of level is rare (a press, a
   * fault), and so no frame of the device reaches the outbox before the level it showed is on disk.
   * A restart then starts from the level last seen, whatever was sent.
   */
  keepPointLevels(deviceId: string, levels: Readonly<Record<string, number>>): void {
    this.options.engine.keepPointLevels(deviceId, levels);
    this.commit();
  }

  pointLevels(deviceId: string): Readonly<Record<string, number>> | undefined {
    return this.options.engine.pointLevels(deviceId);
  }

  devicesOffline(): string[] {
    return [...this.offline].sort();
  }

  /** Devices whose clock is off, for the status. */
  deviceClocks(): DeviceClock[] {
    return this.clocks.report();
  }

  stats(): GatewayStats {
    return structuredClone(this.counters);
  }

  /** Alerts and events the rules kept from before a power cut (rules-runtime.ts): into the outbox again, unannounced. */
  resendUnsent(items: readonly UnsentItem[]): void {
    const alerts: AlertItem[] = [];
    const events: EventItem[] = [];
    for (const unsent of items) {
      if (unsent.channel === 'alerts') alerts.push(unsent.item);
      else events.push(unsent.item);
    }
    this.append(alerts, { channel: 'events', items: events });
  }

  /**
   * Settles when everything handed in so far is in the outbox; rejects when an append handed in
   * since the previous call failed (a driver then does not acknowledge its device, which sends
   * again: the rules skip what they took in already, and the items go to the outbox once more).
   */
  settled(): Promise<void> {
    const from = this.settledThrough;
    const through = this.appendsQueued;
    this.settledThrough = through;
    return this.tail.then(() => {
      const failed = this.failedAppends.filter((n) => n > from && n <= through).length;
      this.failedAppends = this.failedAppends.filter((n) => n > through);
      if (failed > 0) throw new Error(`${failed} of the appends to the outbox failed; not delivered`);
    });
  }

  /** The input as judged against the gateway's clock; a wrong device clock is noted and counted. */
  private judged<T>({ item, wrongByMs }: Stamped<T>, deviceId: string): T {
    this.clocks.observe(deviceId, wrongByMs, this.options.clock.now());
    if (wrongByMs !== null) this.counters.restamped += 1;
    return item;
  }

  private enqueue(alerts: AlertItem[], uplink: Uplink): void {
    this.scheduleCommit();
    for (const alert of alerts) {
      this.counters.alerts += 1;
      this.notify(alert);
    }
    // In the same turn as the input: any commit from now on holds the event with the state it changed.
    if (uplink.channel === 'events' && uplink.items.length > 0) this.options.engine.keepUnsentEvents(uplink.items);
    this.append(alerts, uplink);
  }

  /**
   * Into the outbox, in order. Alerts and events are committed in the rule state first (as unsent,
   * with the change they came with) and forgotten there once the outbox has them, so a power cut
   * between the two loses none (rule-engine.ts, "Unsent items"). Readings are not kept: a device
   * that pushes sends again what was not acknowledged, and a poll lost in a power cut is read anew.
   */
  private append(alerts: AlertItem[], uplink: Uplink): void {
    if (alerts.length === 0 && uplink.items.length === 0) return;
    const { engine, outbox, onAppended, logger } = this.options;
    const number = ++this.appendsQueued;
    this.tail = this.tail
      .then(async () => {
        if (alerts.length > 0 || (uplink.channel === 'events' && uplink.items.length > 0)) this.commit();
        if (alerts.length > 0) {
          await outbox.append('alerts', alerts);
          engine.handedOver('alerts', alerts.map((alert) => alert.id));
        }
        if (uplink.items.length > 0) {
          if (uplink.channel === 'events') {
            await outbox.append('events', uplink.items);
            engine.handedOver('events', uplink.items.map((event) => event.id));
          } else {
            await outbox.append('telemetry', uplink.items);
          }
        }
        onAppended();
      })
      .catch((error: unknown) => {
        this.failedAppends.push(number);
        this.resendDue = true;
        logger.error({ err: error, channel: uplink.channel }, 'appending to the outbox failed; kept alerts and events are appended again at the next tick');
      });
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
