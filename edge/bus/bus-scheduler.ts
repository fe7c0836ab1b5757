import { setTimeout as delay } from 'node:timers/promises';
import type { BusCounters } from '../../shared/contract/index.js';
import type { Component } from '../../shared/lifecycle/component.js';
import type { Logger } from '../../shared/log/logger.js';
import type { Clock } from '../../shared/time/clock.js';
import type { Availability } from '../drivers/driver.js';
import type { FieldBus } from './bus-config.js';
import { BusError, isBusError } from './bus-error.js';
import type { BusLink } from './bus-link.js';
import { BusCounterSet } from './bus-counters.js';
import { interFrameGapMs } from './bus-timing.js';
import { estimateBusLoad } from './bus-load.js';
import type { PollStep, PolledProtocol, RawPointValue, WriteRequest } from './polled-protocol.js';
import type { PolledDevice } from './polled-device.js';
import { WakeableSleep } from './wakeable-sleep.js';

/** What the scheduler reports: values of a poll, and changes of a device's availability. */
export interface PollListener {
  /** Raw values of the steps that succeeded; `at` is when the poll started (clock ms). */
  polled(device: PolledDevice, values: RawPointValue[], at: number): void;
  availability(deviceId: string, availability: Availability): void;
}

/** First wait before reopening a failed port or connection; doubles up to the bus's maximum. */
const FIRST_REOPEN_DELAY_MS = 250;

interface DeviceState {
  device: PolledDevice;
  steps: Array<PollStep<unknown, unknown>>;
  nextDueAt: number;
  failures: number;
  /** undefined until the first poll has decided. */
  online: boolean | undefined;
}

interface PendingWrite {
  state: DeviceState;
  step: PollStep<unknown, unknown>;
  settle: (error?: Error) => void;
}

type StepOutcome =
  | { kind: 'ok'; values: RawPointValue[] }
  /** The device answered that it will not: an exception or error reply naming a code. */
  | { kind: 'refused'; code: number | undefined }
  | { kind: 'answered_with_error' }
  | { kind: 'no_answer' }
  | { kind: 'transport' };

/**
 * Runs one bus: exactly one transaction in flight, devices polled when due (each at its own interval),
 * writes before polls. What it answers of the failures users of other gateways report
 * (edge/bus/README.md, what goes wrong on real buses):
 * - a dead device must not stall the bus: a device that stops answering is backed off (interval x 2^k
 *   up to device_backoff_max_s) and, while offline, is tried once per backoff period without retries,
 *   so it costs the bus at most one timeout per backoff period;
 * - queues must not grow or drop silently: polls are a schedule, not a queue; writes wait in a queue
 *   of max_pending_writes and the next one is refused with an error and counted;
 * - ports disappear: a transport error closes the link, marks every device of the bus offline
 *   (bus_unavailable) and reopens with backoff until the port or the connection is back.
 */
export class BusScheduler<Request, Reply> implements Component {
  readonly name: string;
  readonly counters: BusCounterSet;
  private readonly devices = new Map<string, DeviceState>();
  private readonly writes: PendingWrite[] = [];
  private readonly sleeper = new WakeableSleep();
  private readonly link: BusLink<Request, Reply>;
  private readonly gapMs: number;
  private running = false;
  private loop: Promise<void> | null = null;
  private busAvailable: boolean | undefined;
  private reopenDelayMs = FIRST_REOPEN_DELAY_MS;
  private rounds = 0;

  constructor(
    private readonly bus: FieldBus,
    private readonly protocol: PolledProtocol<Request, Reply>,
    private readonly listener: PollListener,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {
    this.name = `bus-${bus.id}`;
    this.counters = new BusCounterSet(bus.id);
    this.link = protocol.createLink(bus, logger);
    this.gapMs = interFrameGapMs(bus);
  }

  /** Plans the device's poll once and schedules its first poll now. Throws if the protocol refuses the device. */
  addDevice(device: PolledDevice): void {
    if (this.devices.has(device.id)) throw new Error(`device ${device.id} is already on bus ${this.bus.id}`);
    const steps = this.protocol.planPoll(device) as Array<PollStep<unknown, unknown>>;
    this.devices.set(device.id, { device, steps, nextDueAt: this.clock.now(), failures: 0, online: undefined });
    this.sleeper.wake();
  }

  removeDevice(deviceId: string): void {
    this.devices.delete(deviceId);
  }

  /** Writes one point; resolves when the device confirmed it. Refused at once when the queue is full. */
  write(request: WriteRequest): Promise<void> {
    const state = this.devices.get(request.deviceId);
    if (!state) return Promise.reject(new Error(`device ${request.deviceId} is not on bus ${this.bus.id}`));
    if (!this.protocol.planWrite) return Promise.reject(new Error(`the ${this.protocol.name} protocol does not write`));
    if (this.writes.length >= this.bus.max_pending_writes) {
      this.counters.writesRefused++;
      return Promise.reject(new Error(`bus ${this.bus.id} has ${this.writes.length} writes waiting already (max_pending_writes)`));
    }
    const step = this.protocol.planWrite(state.device, request) as PollStep<unknown, unknown>;
    return new Promise((resolve, reject) => {
      this.writes.push({ state, step, settle: (error) => (error ? reject(error) : resolve()) });
      this.sleeper.wake();
    });
  }

  countersSnapshot(): BusCounters {
    let offline = 0;
    for (const state of this.devices.values()) if (state.online === false) offline++;
    return this.counters.snapshot(this.devices.size, offline);
  }

  /**
   * Rounds of the bus loop finished since start: each one a poll, a write, a reopen attempt or a wait
   * for the next device due. Something that did not happen within N rounds counted from before did
   * not happen while the loop had N chances to do it.
   */
  get completedRounds(): number {
    return this.rounds;
  }

  offlineDeviceIds(): string[] {
    return [...this.devices.values()].filter((state) => state.online === false).map((state) => state.device.id);
  }

  async start(): Promise<void> {
    this.running = true;
    const load = estimateBusLoad(this.bus, this.protocol.typicalTurnaroundMs, [...this.devices.values()]);
    if (load.utilisation > 1) {
      this.logger.warn(
        { utilisation: Number(load.utilisation.toFixed(2)), transactionsPerSecond: Number(load.transactionsPerSecond.toFixed(1)) },
        'the configured polls need more time than the line has: they will run late; raise poll_interval_s or split the bus',
      );
    }
    this.loop = this.run().catch((error: unknown) => this.logger.error({ err: error }, 'bus loop ended by an error'));
  }

  async stop(): Promise<void> {
    this.running = false;
    this.sleeper.wake();
    await this.loop;
    this.loop = null;
    for (const pending of this.writes.splice(0)) pending.settle(new Error(`bus ${this.bus.id} stopped before the write was sent`));
    await this.link.close();
  }

  private async run(): Promise<void> {
    while (this.running) {
      await this.runRound();
      this.rounds++;
    }
  }

  private async runRound(): Promise<void> {
    if (!this.link.isOpen) {
      if (!(await this.tryOpen())) {
        await this.sleeper.sleep(this.reopenDelayMs);
        this.reopenDelayMs = Math.min(this.reopenDelayMs * 2, this.bus.reopen_backoff_max_ms);
        return;
      }
      this.reopenDelayMs = FIRST_REOPEN_DELAY_MS;
    }
    const write = this.writes.shift();
    if (write) return this.runWrite(write);
    const due = this.nextDue();
    if (!due) return this.sleeper.sleep(60_000);
    const wait = due.nextDueAt - this.clock.now();
    // After the wait the next round re-evaluates: a write may have arrived, or a device been added.
    if (wait > 0) return this.sleeper.sleep(wait);
    await this.poll(due);
  }

  private async tryOpen(): Promise<boolean> {
    try {
      await this.link.open();
      if (this.busAvailable === false) this.logger.info('bus link reopened');
      this.busAvailable = true;
      return true;
    } catch (error) {
      if (this.busAvailable !== false) {
        this.logger.warn({ err: error }, 'bus link unavailable; retrying with backoff');
        this.counters.transportErrors++;
        this.markBusUnavailable();
      }
      this.busAvailable = false;
      return false;
    }
  }

  private markBusUnavailable(): void {
    for (const state of this.devices.values()) {
      if (state.online !== false) {
        state.online = false;
        this.listener.availability(state.device.id, { online: false, reason: 'bus_unavailable' });
      }
      // Poll at once when the link is back.
      state.nextDueAt = Math.min(state.nextDueAt, this.clock.now());
    }
  }

  private nextDue(): DeviceState | undefined {
    let earliest: DeviceState | undefined;
    for (const state of this.devices.values()) if (!earliest || state.nextDueAt < earliest.nextDueAt) earliest = state;
    return earliest;
  }

  private async poll(state: DeviceState): Promise<void> {
    const startedAt = this.clock.now();
    const { device } = state;
    // A device already offline gets one attempt of its first step per backoff period, nothing more.
    const probing = state.online === false;
    const retries = probing ? 0 : device.retries;
    const values: RawPointValue[] = [];
    let answered = false;
    for (const step of state.steps) {
      const outcome = await this.runStep(step, device, retries);
      if (outcome.kind === 'transport') return this.onTransportFailure();
      if (outcome.kind === 'ok') values.push(...outcome.values);
      if (outcome.kind === 'refused') this.onRefused(device, step, outcome.code);
      if (outcome.kind !== 'no_answer') answered = true;
      // Silence on the first step of a poll: the device is gone; do not spend the bus on the rest.
      if (outcome.kind === 'no_answer' && !answered) break;
    }
    if (!this.devices.has(device.id)) return; // removed meanwhile
    const now = this.clock.now();
    if (answered) {
      state.failures = 0;
      state.nextDueAt = Math.max(state.nextDueAt + device.pollIntervalMs, now);
      this.setOnline(state, true);
      if (values.length > 0) this.listener.polled(device, values, startedAt);
    } else {
      state.failures++;
      const backoffMs = Math.min(device.pollIntervalMs * 2 ** (state.failures - 1), this.bus.device_backoff_max_s * 1000);
      state.nextDueAt = now + backoffMs;
      this.setOnline(state, false);
    }
  }

  private async runWrite(write: PendingWrite): Promise<void> {
    const outcome = await this.runStep(write.step, write.state.device, write.state.device.retries);
    if (outcome.kind === 'ok') return write.settle();
    if (outcome.kind === 'transport') {
      write.settle(new Error(`bus ${this.bus.id} failed during the write`));
      return this.onTransportFailure();
    }
    write.settle(new Error(outcome.kind === 'no_answer' ? `device ${write.state.device.id} did not answer the write` : `device ${write.state.device.id} refused the write`));
  }

  /** One transaction with its retries; every library failure arrives here as a BusError kind. */
  private async runStep(step: PollStep<unknown, unknown>, device: PolledDevice, retries: number): Promise<StepOutcome> {
    for (let attempt = 0; ; attempt++) {
      if (this.gapMs > 0) await delay(this.gapMs);
      this.counters.transactions++;
      try {
        const reply = await this.link.execute(step.request as Request, device.timeoutMs);
        return { kind: 'ok', values: step.decode(reply) };
      } catch (caught) {
        const error = isBusError(caught) ? caught : new BusError('malformed', (caught as Error).message, { cause: caught });
        switch (error.kind) {
          case 'transport':
            this.counters.transportErrors++;
            this.logger.warn({ device: device.id, err: error }, 'bus link failed');
            return { kind: 'transport' };
          case 'exception':
            this.counters.exceptionReplies++;
            this.logger.debug({ device: device.id, points: step.points, code: error.exceptionCode }, 'exception reply');
            return { kind: 'refused', code: error.exceptionCode };
          case 'timeout':
            this.counters.timeouts++;
            break;
          case 'checksum':
          case 'malformed':
            this.counters.checksumErrors++;
            break;
        }
        if (attempt >= retries) {
          // A garbled reply is still a sign of life; only silence makes a device unavailable.
          return error.kind === 'timeout' ? { kind: 'no_answer' } : { kind: 'answered_with_error' };
        }
      }
    }
  }

  /**
   * A device that refuses a read (a register it does not have, a data identifier it does not know)
   * loses those points from every poll: counted per device and point for the status, and warned
   * about once per device so the profile or the device's settings can be put right.
   */
  private onRefused(device: PolledDevice, step: PollStep<unknown, unknown>, code: number | undefined): void {
    if (!this.counters.refusedPoints.record(device.id, step.points, code)) return;
    this.logger.warn(
      { device: device.id, profile: device.profile.id, points: step.points, code },
      'the device refuses to read these points (an error reply): they are missing from its readings and counted in the status (refused_points); check the profile against the device',
    );
  }

  private async onTransportFailure(): Promise<void> {
    await this.link.close().catch(() => undefined);
    this.busAvailable = false;
    this.markBusUnavailable();
  }

  private setOnline(state: DeviceState, online: boolean): void {
    if (state.online === online) return;
    state.online = online;
    this.listener.availability(state.device.id, online ? { online: true } : { online: false, reason: 'no_response' });
  }
}

