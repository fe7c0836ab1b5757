import type { Clock } from '../../shared/time/clock.js';
import type { Availability, DeviceDataProblem, DeviceSink } from '../drivers/driver.js';
import type { CanonicalEvent, ReadingFrame } from '../model/device-data.js';
import type { LatestDeviceStamps } from '../pipeline/latest-device-stamps.js';
import { stampEvent, stampFrame } from '../pipeline/receive-time.js';
import type { HouseholdActivityAggregator } from './household-activity-aggregator.js';

/**
 * The sink the drivers feed: the device pipeline, unchanged, and the household activity aggregator
 * beside it, which sees each event and frame with the event time the pipeline gives it (judged
 * against the gateway's clock at receipt, receive-time.ts). The aggregator goes second: what the
 * pipeline does with an input (rules, outbox) never waits for it.
 */
export class ActivityObservingSink implements DeviceSink {
  constructor(
    private readonly pipeline: DeviceSink,
    private readonly aggregator: Pick<HouseholdActivityAggregator, 'event' | 'readings'>,
    private readonly clock: Clock,
    /** The pipeline's (DevicePipelineOptions.stamps): a stamp it judged gets the same time here. */
    private readonly stamps?: LatestDeviceStamps,
  ) {}

  event(event: CanonicalEvent): void {
    this.pipeline.event(event);
    this.aggregator.event(stampEvent(event, this.clock.now(), this.stamps).item);
  }

  readings(frame: ReadingFrame): void {
    this.pipeline.readings(frame);
    this.aggregator.readings(stampFrame(frame, this.clock.now(), this.stamps).item);
  }

  availability(deviceId: string, availability: Availability): void {
    this.pipeline.availability(deviceId, availability);
  }

  rejected(deviceId: string, problem: DeviceDataProblem): void {
    this.pipeline.rejected(deviceId, problem);
  }

  ignored(deviceId: string, problem: DeviceDataProblem): void {
    this.pipeline.ignored(deviceId, problem);
  }

  settled(): Promise<void> {
    return this.pipeline.settled();
  }

  keepPointLevels(deviceId: string, levels: Readonly<Record<string, number>>): void {
    this.pipeline.keepPointLevels?.(deviceId, levels);
  }

  pointLevels(deviceId: string): Readonly<Record<string, number>> | undefined {
    return this.pipeline.pointLevels?.(deviceId);
  }
}
