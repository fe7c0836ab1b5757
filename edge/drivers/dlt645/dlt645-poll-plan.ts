import { BusError } from '../../bus/bus-error.js';
import type { PollStep, RawPointValue } from '../../bus/polled-protocol.js';
import { decodeBcdNumber, parseBcdFormat, type BcdFormat } from '../frame-codec/bcd-number.js';
import { toHex } from '../frame-codec/hex.js';
import { normaliseDataId } from './dlt645-data-id.js';
import { DLT645_HEADER_LENGTH } from './dlt645-frame.js';
import { dlt645PointSpan, type Dlt645DeviceProfile } from './dlt645-profile.js';
import type { Dlt645Reply, Dlt645Request } from './dlt645-transaction.js';

interface PlannedPoint {
  name: string;
  format: BcdFormat;
  signed: boolean;
  start: number;
}

interface PlannedRead {
  di: string;
  points: PlannedPoint[];
  /** Where the furthest point's bytes end. */
  end: number;
}

/** Points grouped by data identifier, in the order the profile first names each DI. */
export function groupPointsByDataId(profile: Dlt645DeviceProfile): PlannedRead[] {
  const reads = new Map<string, PlannedRead>();
  for (const point of profile.points) {
    const di = normaliseDataId(point.attributes.di);
    const span = dlt645PointSpan(point.attributes);
    const read = reads.get(di) ?? { di, points: [], end: 0 };
    read.points.push({ name: point.name, format: parseBcdFormat(point.attributes.format), signed: point.attributes.signed, start: span.start });
    read.end = Math.max(read.end, span.end);
    reads.set(di, read);
  }
  return [...reads.values()];
}

/**
 * One poll step per data identifier. The raw value of a point is the BCD number with the format's
 * decimal point applied (1234.56 for 89 67 45 33 of XXXXXX.XX), before the profile's scale and offset.
 */
export function planDlt645Poll(profile: Dlt645DeviceProfile, address: string): Array<PollStep<Dlt645Request, Dlt645Reply>> {
  const { preamble_count: preambleCount, reply_length: replyLength } = profile.settings;
  return groupPointsByDataId(profile).map((read) => ({
    request: { kind: 'read', address, di: read.di, preambleCount },
    points: read.points.map((point) => point.name),
    // Request: FE x n + 12 header/trailer bytes + 4 DI bytes; reply: the same without FE + the value bytes.
    wireBytes: { request: preambleCount + DLT645_HEADER_LENGTH + 2 + 4, reply: DLT645_HEADER_LENGTH + 2 + 4 + read.end },
    decode: (reply) => decodeRead(read, reply, replyLength),
  }));
}

function decodeRead(read: PlannedRead, reply: Dlt645Reply, replyLength: 'exact' | 'at_least'): RawPointValue[] {
  const { data } = reply;
  if (data.length < read.end || (replyLength === 'exact' && data.length !== read.end)) {
    throw new BusError('malformed', `DI ${read.di}: ${data.length} value bytes (${toHex(data)}), the profile's points take ${read.end}`);
  }
  return read.points.map((point) => {
    const bytes = data.subarray(point.start, point.start + point.format.byteLength);
    try {
      return { point: point.name, raw: decodeBcdNumber(bytes, point.format, point.signed) };
    } catch (error) {
      throw new BusError('malformed', `DI ${read.di} ${point.name}: ${(error as Error).message}`, { cause: error });
    }
  });
}
