import { initialMigration } from './001-initial.js';
import { gatewayConfigsMigration } from './002-gateway-configs.js';
import { ticketWordsMigration } from './003-ticket-words.js';
import { peopleAndAccessMigration } from './004-people-and-access.js';
import { estatesAndHouseholdsMigration } from './005-estates-and-households.js';
import { gatewayCredentialsMigration } from './006-gateway-credentials.js';
import { dispatchMigration } from './007-dispatch.js';
import { notificationsMigration } from './008-notifications.js';
import { telemetryRetentionMigration } from './009-telemetry-retention.js';
import { householdActivityMigration } from './010-household-activity.js';
import { seriesIndexesMigration } from './011-series-indexes.js';
import { readingsSeriesKeyMigration } from './012-readings-series-key.js';
import { readingsWithoutItemIdMigration } from './013-readings-without-item-id.js';
import type { Migration } from './migration.js';

export type { Migration } from './migration.js';

/** Every migration, in apply order. Append only. */
export const MIGRATIONS: readonly Migration[] = [initialMigration, gatewayConfigsMigration, ticketWordsMigration, peopleAndAccessMigration, estatesAndHouseholdsMigration, gatewayCredentialsMigration, dispatchMigration, notificationsMigration, telemetryRetentionMigration, householdActivityMigration, seriesIndexesMigration, readingsSeriesKeyMigration, readingsWithoutItemIdMigration];
