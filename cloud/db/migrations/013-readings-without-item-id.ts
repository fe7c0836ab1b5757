import type { Migration } from './migration.js';

/**
 * A reading's row no longer holds the item id it came under. Since 012 a reading is known by its
 * series and time (gateway, device, point, event time), as InfluxDB knows a point; nothing reads the
 * id, and the gateway's outbox, which it named, deletes the item once receipted. It was the longest
 * text of the row. Measured with unnest() batches of 5,000 readings (ids of 25 characters): 141 →
 * 117 bytes a row in the table, and 8.7 → 7.4 µs of the backend's CPU a row written.
 *
 * DROP COLUMN only marks the column dropped in the catalogue (PostgreSQL documentation, ALTER
 * TABLE: "The DROP COLUMN form does not physically remove the column"): instant however large the
 * table; the rows written before keep their bytes until retention deletes them.
 *
 * An instance still on the code before, beside one that has migrated, has its readings writes
 * refused (SQLSTATE 42703, undefined column): neither a store that is down nor data it refuses
 * (cloud/ingest/store-failure.ts), so ingest sets such a message aside unreceipted after three tries
 * and its gateway sends it again later, to whichever instance then takes it.
 */
export const readingsWithoutItemIdMigration: Migration = {
  id: '013-readings-without-item-id',
  statements: ['ALTER TABLE readings DROP COLUMN id'],
};
