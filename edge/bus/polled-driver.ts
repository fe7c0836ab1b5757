import type { BusCounters } from '../../shared/contract/index.js';
import { toWireTime } from '../../shared/contract/index.js';
import { stableId } from '../../shared/ids.js';
import type { Logger } from '../../shared/log/logger.js';
import type { Clock } from '../../shared/time/clock.js';
import type { DeviceSink, Driver, DriverDevice } from '../drivers/driver.js';
import { PointEventDetector } from '../values/point-events.js';
import { transformAll, type PointTransform } from '../values/point-transform.js';
import type { FieldBus } from './bus-config.js';
import { BusScheduler, type PollListener } from './bus-scheduler.js';
import { toPolledDevice, type PolledDevice } from './polled-device.js';
import type { PolledProtocol, RawPointValue } from './polled-protocol.js';
import type { PolledDeviceProfile } from '../profiles/polled-profile.js';
import { deviceUnitFactor } from '../profiles/reading-units.js';

interface DeviceModel {
  transforms: ReadonlyMap<string, PointTransform>;
  units: ReadonlyMap<string, PolledDeviceProfile['points'][number]['unit']>;
  events: PointEventDetector;
  /** The detector has resumed from the levels kept before a restart (at the device's first poll). */
  resumed: boolean;
}

/**
 * The Driver (edge/drivers/driver.ts) of one polled protocol: one BusScheduler per bus its devices
 * sit on. It turns each poll's raw values into a reading frame through the profile's transforms
 * (edge/values/point-transform.ts) and point changes into canonical events, and reports availability.
 */
export class PolledDriver implements Driver {
  readonly name: string;
  private readonly schedulers = new Map<string, BusScheduler<unknown, unknown>>();
  private readonly models = new Map<string, DeviceModel>();
  private started = false;

  readonly protocol: string;

  constructor(
    private readonly implementation: PolledProtocol<unknown, unknown>,
    private readonly buses: ReadonlyMap<string, FieldBus>,
    private readonly sink: DeviceSink,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {
    this.protocol = implementation.name;
    this.name = `${implementation.name}-driver`;
  }

  addDevice(device: DriverDevice): void {
    const bus = device.config.bus === undefined ? undefined : this.buses.get(device.config.bus);
    if (!bus) throw new Error(`device ${device.id} names no configured bus`);
    const polled = toPolledDevice(device, bus);
    const profile = polled.profile;
    this.models.set(device.id, {
      transforms: new Map(profile.points.map((point) => [point.name, { ...point, toReadingUnit: deviceUnitFactor(point) }])),
      units: new Map(profile.points.map((point) => [point.name, point.unit])),
      events: new PointEventDetector(profile.faults, profile.point_events),
      resumed: false,
    });
    this.scheduler(polled.busId).addDevice(polled);
  }

  removeDevice(deviceId: string): void {
    for (const scheduler of this.schedulers.values()) scheduler.removeDevice(deviceId);
    this.models.delete(deviceId);
  }

  async start(): Promise<void> {
    this.started = true;
    for (const scheduler of this.schedulers.values()) await scheduler.start();
  }

  async stop(): Promise<void> {
    this.started = false;
    await Promise.all([...this.schedulers.values()].map((scheduler) => scheduler.stop()));
  }

  busCounters(): BusCounters[] {
    return [...this.schedulers.values()].map((scheduler) => scheduler.countersSnapshot());
  }

  /** The scheduler of a bus, for writes and tests. */
  schedulerOf(busId: string): BusScheduler<unknown, unknown> | undefined {
    return this.schedulers.get(busId);
  }

  private scheduler(busId: string): BusScheduler<unknown, unknown> {
    let scheduler = this.schedulers.get(busId);
    if (scheduler) return scheduler;
    const bus = this.buses.get(busId);
    if (!bus) throw new Error(`no bus "${busId}" is configured`);
    const listener: PollListener = {
      polled: (device, values, at) => this.onPolled(device, values, at),
      availability: (deviceId, availability) => this.sink.availability(deviceId, availability),
    };
    scheduler = new BusScheduler(bus, this.implementation, listener, this.clock, this.logger.child({ bus: busId }));
    this.schedulers.set(busId, scheduler);
    if (this.started) void scheduler.start();
    return scheduler;
  }

  private onPolled(device: PolledDevice, raws: RawPointValue[], at: number): void {
    const model = this.models.get(device.id);
    if (!model) return;
    const eventTime = toWireTime(at);
    const values = new Map<string, number>();
    const readings = [];
    for (const result of transformAll(model.transforms, raws)) {
      if (!result.ok) {
        this.sink.ignored(device.id, { code: 'bad_value', message: result.message });
        continue;
      }
      values.set(result.point, result.value);
      readings.push({
        id: stableId(device.id, result.point, at),
        device_id: device.id,
        point: result.point,
        value: result.value,
        unit: model.units.get(result.point)!,
        event_time: eventTime,
      });
    }
    // At the first poll (the rules have started by then), from the levels the rules last saw.
    if (!model.resumed) {
      model.resumed = true;
      if (model.events.watchesPoints) model.events.resume(this.sink.pointLevels?.(device.id));
    }
    for (const event of model.events.detect(values)) {
      this.sink.event({
        id: stableId(device.id, event.type, at, String(event.attributes.vendor_code ?? '')),
        device_id: device.id,
        subject: device.subject,
        type: event.type,
        event_time: eventTime,
        attributes: event.attributes,
      });
    }
    if (readings.length > 0) this.sink.readings({ device_id: device.id, subject: device.subject, event_time: eventTime, readings });
    // After the events and the frame: kept in the same commit as they are.
    const levels = model.events.changedLevels();
    if (levels) this.sink.keepPointLevels?.(device.id, levels);
  }
}
