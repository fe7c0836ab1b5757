import type { Logger } from '../../shared/log/logger.js';
import type { FieldBus } from './bus-config.js';
import type { BusLink } from './bus-link.js';
import type { PolledDevice } from './polled-device.js';

/** A point's value as read off the wire, before the profile's scale and offset (edge/values). */
export interface RawPointValue {
  point: string;
  raw: number;
}

/**
 * One transaction of a poll and how to read its reply. A poll of one device is a few steps (a Modbus
 * device read in contiguous blocks, a DL/T 645 meter one data identifier at a time); a failed step
 * loses only its own points.
 */
export interface PollStep<Request, Reply> {
  request: Request;
  /** Points this step reads, for logs and counters. */
  points: readonly string[];
  /** Turns the reply into raw values; throws BusError('malformed') when the reply does not fit. */
  decode(reply: Reply): RawPointValue[];
  /** Bytes on the wire of the request and of a good reply (preamble included), for the bus load estimate. */
  wireBytes?: { request: number; reply: number };
}

/** A write the profile allows: one point of one device, a value already in wire units (raw). */
export interface WriteRequest {
  deviceId: string;
  point: string;
  raw: number;
}

/**
 * What a polled protocol gives the bus scheduler: how to open a bus, how to poll a device and, where
 * the protocol and the profile allow it, how to write. Implemented once per folder under edge/drivers/
 * (modbus, dlt645, cjt188) and named by the folder's manifest; only that folder imports its
 * protocol library.
 */
export interface PolledProtocol<Request, Reply> {
  /** The protocol folder's name, as profiles name it in `driver:`. */
  readonly name: string;
  /**
   * Typical time from the end of a request to the start of the reply, in ms; only for the bus load
   * estimate (edge/bus/bus-load.ts).
   */
  readonly typicalTurnaroundMs: number;
  /** Opens nothing yet: the scheduler calls open() when it starts and again after a transport error. */
  createLink(bus: FieldBus, logger: Logger): BusLink<Request, Reply>;
  /** The steps of one poll of the device, worked out once when the device is added. */
  planPoll(device: PolledDevice): Array<PollStep<Request, Reply>>;
  /** The transaction that writes one point; throws an Error naming the problem if the point is not writable. */
  planWrite?(device: PolledDevice, write: WriteRequest): PollStep<Request, Reply>;
}
