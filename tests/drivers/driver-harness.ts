import type { Logger } from '../../shared/log/logger.js';
import { silentLogger } from '../../shared/log/logger.js';
import { systemClock } from '../../shared/time/clock.js';
import type { FieldBus } from '../../edge/bus/bus-config.js';
import type { Availability, DeviceDataProblem, DeviceSink } from '../../edge/drivers/driver.js';
import type { DriverContext } from '../../edge/drivers/protocol-manifest.js';
import type { CanonicalEvent, ReadingFrame } from '../../edge/model/device-data.js';

/** What a driver is made with in these tests: no local broker, the given buses. */
export function driverContext(sink: DeviceSink, buses: readonly FieldBus[], logger: Logger = silentLogger()): DriverContext {
  return { gatewayId: 'gw-1', sink, logger, clock: systemClock, localBrokerUrl: () => '', embeddedBroker: null, buses: new Map(buses.map((bus) => [bus.id, bus])) };
}

/** A DeviceSink that keeps what a driver hands it and lets a test wait for the next frame. */
export class RecordingSink implements DeviceSink {
  readonly frames: ReadingFrame[] = [];
  readonly events: CanonicalEvent[] = [];
  readonly availabilities: Array<{ deviceId: string; availability: Availability }> = [];
  readonly problems: Array<{ deviceId: string; problem: DeviceDataProblem; whole: boolean }> = [];
  private waiters: Array<{ accept(frame: ReadingFrame): boolean; resolve(frame: ReadingFrame): void }> = [];

  event(event: CanonicalEvent): void {
    this.events.push(event);
  }

  readings(frame: ReadingFrame): void {
    this.frames.push(frame);
    this.waiters = this.waiters.filter((waiter) => (waiter.accept(frame) ? (waiter.resolve(frame), false) : true));
  }

  availability(deviceId: string, availability: Availability): void {
    this.availabilities.push({ deviceId, availability });
  }

  rejected(deviceId: string, problem: DeviceDataProblem): void {
    this.problems.push({ deviceId, problem, whole: true });
  }

  ignored(deviceId: string, problem: DeviceDataProblem): void {
    this.problems.push({ deviceId, problem, whole: false });
  }

  async settled(): Promise<void> {}

  /** The next frame of the device from now on (frames already recorded do not count). */
  nextFrame(deviceId: string): Promise<ReadingFrame> {
    return new Promise((resolve) => this.waiters.push({ accept: (frame) => frame.device_id === deviceId, resolve }));
  }
}
