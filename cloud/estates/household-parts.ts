import type { AwayPeriod, CareVisit } from '../../shared/contract/rules-config-care.js';
import type { SqlExecutor } from '../db/sql-database.js';
import { epochMs, epochMsOrNull } from '../db/sql-values.js';
import type { AwayPeriodRecord, CarerRecord, ConsentRecord, ContactView } from './household-records.js';
import { maskPhone } from './phone-mask.js';

export interface HouseholdParts {
  consents: ConsentRecord[];
  contacts: ContactView[];
  carers: CarerRecord[];
  awayPeriods: AwayPeriodRecord[];
}

interface ConsentRow {
  unit_id: string;
  id: string;
  given_by: string;
  given_at: Date;
  scope: string;
  document_ref: string;
  recorded_at: Date;
  recorded_by: string;
  withdrawn_at: Date | null;
  withdrawal_recorded_at: Date | null;
  withdrawal_recorded_by: string | null;
  withdrawal_note: string | null;
}

/**
 * The consents, contacts, carers and away periods of some households of one estate, by unit id;
 * four queries however many households. Called only with unit ids a scoped query returned.
 */
export async function loadHouseholdParts(tx: SqlExecutor, estateId: string, unitIds: readonly string[]): Promise<Map<string, HouseholdParts>> {
  const parts = new Map<string, HouseholdParts>(unitIds.map((unitId) => [unitId, { consents: [], contacts: [], carers: [], awayPeriods: [] }]));
  if (unitIds.length === 0) return parts;
  const of = (unitId: string): HouseholdParts => parts.get(unitId)!;
  const args = [estateId, unitIds];
  const where = 'estate_id = $1 AND unit_id = ANY($2::text[])';

  const consents = await tx.query<ConsentRow>(`SELECT * FROM care_consents WHERE ${where} ORDER BY recorded_at DESC, id DESC`, args);
  for (const row of consents.rows) of(row.unit_id).consents.push(toConsent(row));

  const contacts = await tx.query<{ unit_id: string; id: string; name: string; relationship: string; phone: string }>(
    `SELECT unit_id, id, name, relationship, phone FROM emergency_contacts WHERE ${where} ORDER BY created_at, id`,
    args,
  );
  for (const row of contacts.rows) of(row.unit_id).contacts.push({ id: row.id, name: row.name, relationship: row.relationship, phoneMasked: maskPhone(row.phone) });

  const carers = await tx.query<{ unit_id: string; id: string; name: string; kind: CarerRecord['kind']; visits: CareVisit[] }>(
    `SELECT unit_id, id, name, kind, visits FROM carers WHERE ${where} ORDER BY created_at, id`,
    args,
  );
  for (const row of carers.rows) of(row.unit_id).carers.push({ id: row.id, name: row.name, kind: row.kind, visits: row.visits });

  const away = await tx.query<{ unit_id: string; id: string; starts_at: Date; ends_at: Date; reason: AwayPeriod['reason']; recorded_at: Date; recorded_by: string }>(
    `SELECT unit_id, id, starts_at, ends_at, reason, recorded_at, recorded_by FROM away_periods WHERE ${where} ORDER BY starts_at, id`,
    args,
  );
  for (const row of away.rows) {
    of(row.unit_id).awayPeriods.push({
      id: row.id,
      from: epochMs(row.starts_at),
      to: epochMs(row.ends_at),
      reason: row.reason,
      recordedAt: epochMs(row.recorded_at),
      recordedBy: row.recorded_by,
    });
  }
  return parts;
}

function toConsent(row: ConsentRow): ConsentRecord {
  return {
    id: row.id,
    givenBy: row.given_by,
    givenAt: epochMs(row.given_at),
    scope: row.scope,
    documentRef: row.document_ref,
    recordedAt: epochMs(row.recorded_at),
    recordedBy: row.recorded_by,
    withdrawnAt: epochMsOrNull(row.withdrawn_at),
    withdrawalRecordedAt: epochMsOrNull(row.withdrawal_recorded_at),
    withdrawalRecordedBy: row.withdrawal_recorded_by,
    withdrawalNote: row.withdrawal_note,
  };
}
