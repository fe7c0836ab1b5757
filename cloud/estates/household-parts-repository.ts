import type { CareVisit } from '../../shared/contract/rules-config-care.js';
import type { SqlExecutor } from '../db/sql-database.js';
import { jsonParam, timestampParam } from '../db/sql-values.js';
import type { HouseholdKey } from './household-records.js';

/** The table of each part of a household's care record that is added and removed by id. */
export const REMOVABLE_PARTS = {
  contact: 'emergency_contacts',
  carer: 'carers',
  away_period: 'away_periods',
} as const;
export type RemovablePart = keyof typeof REMOVABLE_PARTS;

/**
 * Writes to the parts of a household's care record. The caller has locked the household
 * (HouseholdRepository.lockForChange) and checked the caller's permission and the version.
 */
export class HouseholdPartsRepository {
  async insertConsent(
    tx: SqlExecutor,
    key: HouseholdKey,
    consent: { id: string; givenBy: string; givenAt: number; scope: string; documentRef: string },
    at: number,
    by: string,
  ): Promise<void> {
    await tx.query(
      `INSERT INTO care_consents (id, estate_id, unit_id, given_by, given_at, scope, document_ref, recorded_at, recorded_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [consent.id, key.estateId, key.unitId, consent.givenBy, timestampParam(consent.givenAt), consent.scope, consent.documentRef, timestampParam(at), by],
    );
  }

  async hasConsentInForce(tx: SqlExecutor, key: HouseholdKey): Promise<boolean> {
    const { rows } = await tx.query('SELECT 1 FROM care_consents WHERE estate_id = $1 AND unit_id = $2 AND withdrawn_at IS NULL', [key.estateId, key.unitId]);
    return rows.length > 0;
  }

  /** Marks the consent in force withdrawn (it stays on record); false when none is in force. */
  async withdrawConsent(tx: SqlExecutor, key: HouseholdKey, withdrawal: { withdrawnAt: number; note: string | null }, at: number, by: string): Promise<string | null> {
    const { rows } = await tx.query<{ id: string }>(
      `UPDATE care_consents SET withdrawn_at = $3, withdrawal_recorded_at = $4, withdrawal_recorded_by = $5, withdrawal_note = $6
       WHERE estate_id = $1 AND unit_id = $2 AND withdrawn_at IS NULL RETURNING id`,
      [key.estateId, key.unitId, timestampParam(withdrawal.withdrawnAt), timestampParam(at), by, withdrawal.note],
    );
    return rows[0]?.id ?? null;
  }

  async insertContact(tx: SqlExecutor, key: HouseholdKey, contact: { id: string; name: string; relationship: string; phone: string }, at: number): Promise<void> {
    await tx.query(
      `INSERT INTO emergency_contacts (id, estate_id, unit_id, name, relationship, phone, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [contact.id, key.estateId, key.unitId, contact.name, contact.relationship, contact.phone, timestampParam(at)],
    );
  }

  /** The contact's full phone number; null when the household has no such contact. */
  async contactPhone(tx: SqlExecutor, key: HouseholdKey, contactId: string): Promise<string | null> {
    const { rows } = await tx.query<{ phone: string }>('SELECT phone FROM emergency_contacts WHERE estate_id = $1 AND unit_id = $2 AND id = $3', [
      key.estateId,
      key.unitId,
      contactId,
    ]);
    return rows[0]?.phone ?? null;
  }

  async insertCarer(tx: SqlExecutor, key: HouseholdKey, carer: { id: string; name: string; kind: string; visits: CareVisit[] }, at: number): Promise<void> {
    await tx.query(`INSERT INTO carers (id, estate_id, unit_id, name, kind, visits, created_at) VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7)`, [
      carer.id,
      key.estateId,
      key.unitId,
      carer.name,
      carer.kind,
      jsonParam(carer.visits),
      timestampParam(at),
    ]);
  }

  async countCarers(tx: SqlExecutor, key: HouseholdKey): Promise<number> {
    const { rows } = await tx.query<{ n: number | string }>('SELECT count(*) AS n FROM carers WHERE estate_id = $1 AND unit_id = $2', [key.estateId, key.unitId]);
    return Number(rows[0]!.n);
  }

  async insertAwayPeriod(tx: SqlExecutor, key: HouseholdKey, period: { id: string; from: number; to: number; reason: string }, at: number, by: string): Promise<void> {
    await tx.query(
      `INSERT INTO away_periods (id, estate_id, unit_id, starts_at, ends_at, reason, recorded_at, recorded_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [period.id, key.estateId, key.unitId, timestampParam(period.from), timestampParam(period.to), period.reason, timestampParam(at), by],
    );
  }

  /** Removes a contact, carer or away period of the household; false when it has none with this id. */
  async remove(tx: SqlExecutor, key: HouseholdKey, part: RemovablePart, id: string): Promise<boolean> {
    const { rowCount } = await tx.query(`DELETE FROM ${REMOVABLE_PARTS[part]} WHERE estate_id = $1 AND unit_id = $2 AND id = $3`, [key.estateId, key.unitId, id]);
    return rowCount === 1;
  }
}
