import type { Clock } from '../../shared/time/clock.js';
import type { SqlDatabase } from '../../cloud/db/sql-database.js';
import { GatewayFleetHealthReader } from '../../cloud/registry/gateway-fleet-health.js';
import type { HouseholdActivityReader } from '../../cloud/telemetry/household-activity-reader.js';
import { SqlEvidenceReader } from '../../cloud/telemetry/sql-evidence-reader.js';
import { SqlTelemetryStore } from '../../cloud/telemetry/sql-telemetry-store.js';
import { TicketEvidenceBuilder } from '../../cloud/telemetry/ticket-evidence-builder.js';
import { TicketEvidenceService } from '../../cloud/telemetry/ticket-evidence-service.js';

/** The API's telemetry reads over the SQL store in the test's database, as the cloud wires them. */
export function sqlTelemetryReads(db: SqlDatabase, clock: Clock, householdActivity: HouseholdActivityReader | null = null) {
  const reader = new SqlEvidenceReader(db);
  const store = new SqlTelemetryStore(db);
  return {
    store,
    evidence: new TicketEvidenceService(db, new TicketEvidenceBuilder(db, reader, store, householdActivity), clock),
    fleetHealth: new GatewayFleetHealthReader(db, reader, clock),
  };
}
