import { toWireTime, type ReadingItem } from '../../shared/contract/index.js';
import { openDatabase } from '../../cloud/db/open-database.js';
import { createTelemetryStore, type TelemetryConfig } from '../../cloud/telemetry/create-telemetry-store.js';
import type { OriginItems } from '../../cloud/telemetry/telemetry-store.js';
import { MAX_ITEMS_PER_WRITE } from '../../cloud/ingest/grouped-telemetry-writes.js';
import { METERS_PER_GATEWAY } from './fleet-payloads.js';

/** How long before the ramp the history is stamped: inside the live data's InfluxDB shard group (7 days by default). */
const HISTORY_AGE_MS = 10 * 60_000;
/** Writes in flight while seeding, as the cloud's own ingest keeps (grouped-telemetry-writes.ts). */
const SEED_WRITES_IN_FLIGHT = 2;

/**
 * One reading of every meter of every gateway of the fleet, written through the cloud's own store
 * before the ramp starts: the ramp measures a fleet that was already there yesterday, as one cloud
 * instance serves it in production, not one whose series are all new. A gateway cycles through its
 * 300 meters in six telemetry messages (a minute), so without this each step's new gateways would
 * still be creating series after its warm-up (on InfluxDB each new series is an index insert: some
 * 300,000 of them for a step of 1,000 gateways) and the store would be measured adding a fleet,
 * which happens once, instead of serving one. Resolves to the seconds the seeding took.
 */
export async function seedFleetHistory(
  telemetry: TelemetryConfig,
  databaseUrl: string,
  estateId: string,
  gatewayIds: readonly string[],
): Promise<number> {
  const started = performance.now();
  const db = await openDatabase({ url: databaseUrl });
  try {
    const store = createTelemetryStore(telemetry, db);
    await store.init();
    const at = toWireTime(Date.now() - HISTORY_AGE_MS);
    const writes: Array<OriginItems<ReadingItem>[]> = [];
    let current: OriginItems<ReadingItem>[] = [];
    let itemsInCurrent = 0;
    for (const gatewayId of gatewayIds) {
      const items = Array.from({ length: METERS_PER_GATEWAY }, (_, meter): ReadingItem => ({
        id: `history-${gatewayId}-${meter}`,
        device_id: `meter-${meter}`,
        point: 'energy_total',
        value: 1000,
        unit: 'kWh',
        event_time: at,
      }));
      current.push({ origin: { gatewayId, estateId, receivedAt: Date.now() }, items });
      itemsInCurrent += items.length;
      if (itemsInCurrent >= MAX_ITEMS_PER_WRITE) {
        writes.push(current);
        current = [];
        itemsInCurrent = 0;
      }
    }
    if (current.length > 0) writes.push(current);
    let next = 0;
    await Promise.all(
      Array.from({ length: SEED_WRITES_IN_FLIGHT }, async () => {
        while (next < writes.length) await store.writeReadingGroups(writes[next++]!);
      }),
    );
    await store.close();
  } finally {
    await db.close();
  }
  return (performance.now() - started) / 1000;
}
