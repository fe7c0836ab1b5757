import { toWireTime, type AlertItem, type EventItem } from '../../../shared/contract/index.js';
import { DEFAULT_RULES_CONFIG, type RulesConfig } from '../../../shared/contract/rules-config.js';
import type { Component } from '../../../shared/lifecycle/component.js';
import type { Logger } from '../../../shared/log/logger.js';
import type { Clock } from '../../../shared/time/clock.js';
import type { Availability } from '../../drivers/driver.js';
import type { CanonicalEvent, ReadingFrame } from '../../model/device-data.js';
import type { RuleStateStore, UnsentItem } from '../state/rule-state-store.js';
import type { DeviceInfo, Rule } from '../rule.js';
import { RuleEngine } from '../rule-engine.js';
import { availabilityInput, type EngineInput } from './engine-input.js';
import { InputRecorder } from './input-recorder.js';

/** What the device pipeline hands the rules; RuleEngine has the same shape. */
export interface RuleInputs {
  onEvent(event: CanonicalEvent): AlertItem[];
  onReadings(frame: ReadingFrame): AlertItem[];
  onAvailability(deviceId: string, availability: Availability, at: number): AlertItem[];
  advanceTo(time: number): AlertItem[];
  commit(): void;
  /** Events on their way to the outbox, kept with the state until handedOver (rule-engine.ts, "Unsent items"). */
  keepUnsentEvents(events: readonly EventItem[]): void;
  /** These alerts or events are in the outbox (rule-engine.ts, "Unsent items"). */
  handedOver(channel: UnsentItem['channel'], ids: Iterable<string>): void;
  /** Alerts and events kept and not yet handed over. */
  unsent(): UnsentItem[];
  /** Point levels a driver derives events from, kept with the state (rule-engine.ts, "Point levels"). */
  keepPointLevels(deviceId: string, levels: Readonly<Record<string, number>>): void;
  pointLevels(deviceId: string): Record<string, number> | undefined;
}

export interface RulesRuntimeOptions {
  rules: readonly Rule[];
  devices: readonly DeviceInfo[];
  /** Opens the state store; called at start(), so building a gateway touches no file. */
  openStore: () => RuleStateStore;
  clock: Clock;
  /** Folder to record every input to (input-recorder.ts), or null. */
  recordTo: string | null;
  logger: Logger;
}

/**
 * The gateway's rules as a component: at start it opens the state store and builds the engine (which
 * reloads timers, open episodes and what a power cut kept unsent); at stop it closes them. The
 * device pipeline, which starts after it and stops before it, owns everything in between: the
 * wall-clock tick, resending what was kept unsent, and commits (autoCommit off: one transaction per
 * batch; edge/pipeline/device-pipeline.ts). Inputs are recorded first when recording is on.
 */
export class RulesRuntime implements Component, RuleInputs {
  readonly name = 'rules';
  private engine: RuleEngine | null = null;
  private recorder: InputRecorder | null = null;
  private config: RulesConfig = DEFAULT_RULES_CONFIG;

  constructor(private readonly options: RulesRuntimeOptions) {}

  async start(): Promise<void> {
    const { options } = this;
    this.engine = new RuleEngine({
      rules: options.rules,
      store: options.openStore(),
      devices: options.devices,
      config: this.config,
      logger: options.logger,
      autoCommit: false,
      keepUnsent: true,
    });
    if (options.recordTo) this.recorder = new InputRecorder(options.recordTo, options.clock, options.logger.child({ component: 'recorder' }));
  }

  async stop(): Promise<void> {
    this.engine?.close();
    this.engine = null;
    this.recorder?.close();
    this.recorder = null;
  }

  /** A new rules config (from the cloud or a local file): rules see it from the next input on. */
  setConfig(config: RulesConfig): void {
    this.config = config;
    this.engine?.setConfig(config);
  }

  onEvent(event: CanonicalEvent): AlertItem[] {
    return this.run({ kind: 'event', item: event }, (engine) => engine.onEvent(event));
  }

  onReadings(frame: ReadingFrame): AlertItem[] {
    return this.run({ kind: 'readings', frame }, (engine) => engine.onReadings(frame));
  }

  onAvailability(deviceId: string, availability: Availability, at: number): AlertItem[] {
    return this.run(availabilityInput(deviceId, availability, at), (engine) => engine.onAvailability(deviceId, availability, at));
  }

  advanceTo(time: number): AlertItem[] {
    return this.run({ kind: 'tick', at: toWireTime(time) }, (engine) => engine.advanceTo(time));
  }

  commit(): void {
    this.engine?.commit();
  }

  keepUnsentEvents(events: readonly EventItem[]): void {
    this.engine?.keepUnsentEvents(events);
  }

  handedOver(channel: UnsentItem['channel'], ids: Iterable<string>): void {
    this.engine?.handedOver(channel, ids);
  }

  unsent(): UnsentItem[] {
    return this.engine?.unsent() ?? [];
  }

  keepPointLevels(deviceId: string, levels: Readonly<Record<string, number>>): void {
    this.engine?.keepPointLevels(deviceId, levels);
  }

  pointLevels(deviceId: string): Record<string, number> | undefined {
    return this.engine?.pointLevels(deviceId);
  }

  private run(input: EngineInput, handle: (engine: RuleEngine) => AlertItem[]): AlertItem[] {
    if (!this.engine) {
      this.options.logger.warn({ kind: input.kind }, 'rule input while the rules are stopped; ignored');
      return [];
    }
    this.recorder?.record(input);
    return handle(this.engine);
  }
}
