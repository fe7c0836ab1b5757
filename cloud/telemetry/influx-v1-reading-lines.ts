import { fromWireTime, type ReadingItem } from '../../shared/contract/index.js';
import { READINGS_MEASUREMENT } from './influx-series-layout.js';
import { LineProtocolBody, escapeTagOrKey } from './influx-v1-line-protocol.js';
import type { OriginItems } from './telemetry-store.js';

/**
 * The /write body of the readings of groups of messages: the very lines v1LineProtocol writes of
 * their readingPoint points (influx-series-layout.ts: the same measurement, tags in key order,
 * fields, ms timestamp; tests/unit/cloud/telemetry/influx-v1-reading-lines.test.ts holds the two
 * equal), written straight from the readings. Readings are nearly all of what ingest writes (the
 * ingest benchmark's burst: 100,000 in 2,000 messages), and their points, three objects each, and
 * the generic writer's walk over their keys cost more than the lines: on 100,000 decoded readings,
 * 140-300 ms of CPU through the points, 90-150 ms straight, measured side by side. An origin's
 * tags are escaped once per message, an event time parsed once per run of readings that share it.
 */
export function v1ReadingLines(groups: readonly OriginItems<ReadingItem>[]): Buffer {
  let lines = 0;
  for (const { items } of groups) lines += items.length;
  const body = new LineProtocolBody(lines);
  // "readings" has nothing to escape.
  const measurement = `${READINGS_MEASUREMENT},device_id=`;
  // A device's readings of one poll share its event time (edge/bus/polled-driver.ts), and lie side by side.
  let eventTime: string | undefined;
  let timestamp = 0;
  for (const { origin, items } of groups) {
    const originTags = `,estate_id=${escapeTagOrKey(origin.estateId)},gateway_id=${escapeTagOrKey(origin.gatewayId)},point=`;
    for (const reading of items) {
      if (reading.event_time !== eventTime) {
        eventTime = reading.event_time;
        timestamp = fromWireTime(eventTime);
      }
      // Written as a float whatever its value (no "i" suffix), as readingPoint's value field.
      body.add(
        measurement +
          escapeTagOrKey(reading.device_id) +
          originTags +
          escapeTagOrKey(reading.point) +
          ',unit=' +
          escapeTagOrKey(reading.unit) +
          ' value=' +
          String(reading.value) +
          ' ' +
          timestamp,
      );
    }
  }
  return body.bytes();
}
