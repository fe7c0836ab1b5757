import type { Clock } from '../../shared/time/clock.js';
import type { SqlDatabase } from '../../cloud/db/sql-database.js';
import { GatewayFleetHealthReader } from '../../cloud/registry/gateway-fleet-health.js';
import type { HouseholdActivityReader } from '../../cloud/telemetry/household-activity-reader.js';
import { StoredActivityEvidenceReader } from '../../cloud/household-activity/activity-evidence-reader.js';
import { SqlEvidenceReader } from '../../cloud/telemetry/sql-evidence-reader.js';
import { SqlTelemetryStore } from '../../cloud/telemetry/sql-telemetry-store.js';
import { TicketEvidenceBuilder } from '../../cloud/telemetry/ticket-evidence-builder.js';
import { TicketEvidenceService } from '../../cloud/telemetry/ticket-evidence-service.js';

/** The API's telemetry reads over the SQL store in the test's database, as the cloud wires them. */
export function sqlTelemetryReads(db: SqlDatabase, clock: Clock, activityReader?: HouseholdActivityReader | null) {
  const reader = new SqlEvidenceReader(db);
  const store = new SqlTelemetryStore(db);
  // As the cloud wires it: the household's hours from the same store, unless the test says otherwise.
  const householdActivity = activityReader === undefined ? new StoredActivityEvidenceReader(store) : activityReader;
  return {
    store,
    evidence: new TicketEvidenceService(db, new TicketEvidenceBuilder(db, reader, store, householdActivity), clock),
    fleetHealth: new GatewayFleetHealthReader(db, reader, clock),
  };
}
