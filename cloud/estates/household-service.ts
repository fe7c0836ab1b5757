import { z } from 'zod';
import { newId } from '../../shared/ids.js';
import type { Clock } from '../../shared/time/clock.js';
import type { CareRulesConfig } from '../../shared/contract/rules-config-care.js';
import { callerMay, demand, requireEstate } from '../access/access-scope.js';
import { actorLabel, type Caller } from '../access/caller.js';
import type { Permission } from '../access/permissions.js';
import { AuditRepository } from '../audit/audit-repository.js';
import type { ReadContext } from '../audit/audit-entry.js';
import type { SqlDatabase, SqlExecutor } from '../db/sql-database.js';
import { AppError, invalidField, notFound } from '../platform/app-error.js';
import { parseInput } from '../platform/parse-input.js';
import { careRulesConfigOf } from './care-rules-config.js';
import { DeviceRepository } from './device-repository.js';
import { EstateRepository } from './estate-repository.js';
import { HouseholdPartsRepository, type RemovablePart } from './household-parts-repository.js';
import type { HouseholdKey, HouseholdRecord, HouseholdSummary, HouseholdVersion } from './household-records.js';
import { HouseholdRepository } from './household-repository.js';
import {
  AwayPeriodInputSchema,
  CareSettingsSchema,
  CarerSchema,
  ConsentInputSchema,
  EmergencyContactSchema,
  EnrolmentSchema,
  MAX_CARERS,
  WithdrawalSchema,
  type AwayPeriodInput,
  type CareSettingsInput,
  type CarerInput,
  type ConsentInput,
  type EmergencyContactInput,
  type Enrolment,
  type Withdrawal,
  type StoredCareSettings,
} from './household-schemas.js';

const VersionSchema = z.number().int().min(1);

/** What each removable part is called in messages and audit actions. */
const PART_NAMES: Readonly<Record<RemovablePart, string>> = { contact: 'emergency contact', carer: 'carer', away_period: 'away period' };

/** What a change did, for the audit entry (ids only) and the caller. */
interface ChangeOutcome<T> {
  details?: Record<string, unknown>;
  result: T;
}

/**
 * Enrolling households in care and keeping their records, one change at a time: every change
 * names the version it was made against and fails with conflict when the household has moved on,
 * never overwriting another's edit. Every read of a household is written to the audit log in the
 * read's own transaction, with its purpose and route.
 */
export class HouseholdService {
  private readonly households = new HouseholdRepository();
  private readonly parts = new HouseholdPartsRepository();
  private readonly estates = new EstateRepository();
  private readonly devices = new DeviceRepository();
  private readonly audit = new AuditRepository();

  constructor(
    private readonly db: SqlDatabase,
    private readonly clock: Clock,
  ) {}

  /** Opens the unit's care record with the resident's consent (version 1). */
  async enrol(caller: Caller, estateId: string, input: Enrolment): Promise<HouseholdVersion> {
    const enrolment = parseInput(EnrolmentSchema, input, 'enrolment');
    const key = { estateId, unitId: enrolment.unit_id };
    requireEstate(caller, estateId);
    return this.db.transaction(async (tx) => {
      const [unit] = await this.estates.listUnits(tx, caller, estateId, { unitId: key.unitId });
      if (!unit) throw notFound('unit', key.unitId);
      demand(caller, 'household.enrol', { estateId, buildingId: unit.buildingId });
      const at = this.clock.now();
      if (!(await this.households.insert(tx, key, enrolment.lives_alone, at))) {
        throw new AppError('conflict', 'household_exists', `unit ${key.unitId} already has a care record: change it, or record a new consent on it`);
      }
      const consentId = newId();
      await this.parts.insertConsent(tx, key, consentOf(consentId, enrolment.consent), at, actorLabel(caller));
      await this.audit.recordChange(tx, caller, at, { estateId, unitId: key.unitId, action: 'household_enrolled', details: { version: 1, consent_id: consentId } });
      return { ...key, version: 1 };
    });
  }

  /** A new consent, after an earlier one was withdrawn (conflict while one is in force). */
  async recordConsent(caller: Caller, key: HouseholdKey, expectedVersion: number, input: ConsentInput): Promise<HouseholdVersion> {
    const consent = parseInput(ConsentInputSchema, input, 'consent');
    return this.change(caller, key, expectedVersion, 'household.enrol', 'consent_recorded', async (tx, at) => {
      if (await this.parts.hasConsentInForce(tx, key)) throw new AppError('conflict', 'consent_in_force', 'a consent is already in force: withdraw it first');
      const id = newId();
      await this.parts.insertConsent(tx, key, consentOf(id, consent), at, actorLabel(caller));
      return { details: { consent_id: id }, result: {} };
    });
  }

  /** Records the withdrawal; the household drops out of its gateway's care rules at the next config. */
  async withdrawConsent(caller: Caller, key: HouseholdKey, expectedVersion: number, input: Withdrawal): Promise<HouseholdVersion> {
    const withdrawal = parseInput(WithdrawalSchema, input, 'withdrawal');
    return this.change(caller, key, expectedVersion, 'household.enrol', 'consent_withdrawn', async (tx, at) => {
      const id = await this.parts.withdrawConsent(tx, key, { withdrawnAt: Date.parse(withdrawal.withdrawn_at), note: withdrawal.note ?? null }, at, actorLabel(caller));
      if (!id) throw new AppError('conflict', 'no_consent_in_force', 'no consent is in force to withdraw');
      return { details: { consent_id: id }, result: {} };
    });
  }

  async addContact(caller: Caller, key: HouseholdKey, expectedVersion: number, input: EmergencyContactInput): Promise<HouseholdVersion & { contactId: string }> {
    const contact = parseInput(EmergencyContactSchema, input, 'contact');
    return this.change(caller, key, expectedVersion, 'household.enrol', 'contact_added', async (tx, at) => {
      const contactId = newId();
      await this.parts.insertContact(tx, key, { id: contactId, ...contact }, at);
      return { details: { contact_id: contactId }, result: { contactId } };
    });
  }

  async addCarer(caller: Caller, key: HouseholdKey, expectedVersion: number, input: CarerInput): Promise<HouseholdVersion & { carerId: string }> {
    const carer = parseInput(CarerSchema, input, 'carer');
    return this.change(caller, key, expectedVersion, 'household.enrol', 'carer_added', async (tx, at) => {
      if ((await this.parts.countCarers(tx, key)) >= MAX_CARERS) throw invalidField('carer', `a household has at most ${MAX_CARERS} carers`);
      const carerId = newId();
      await this.parts.insertCarer(tx, key, { id: carerId, ...carer }, at);
      return { details: { carer_id: carerId }, result: { carerId } };
    });
  }

  /** A trip or a hospital stay: the housekeeper who hears of it may record it. */
  async addAwayPeriod(caller: Caller, key: HouseholdKey, expectedVersion: number, input: AwayPeriodInput): Promise<HouseholdVersion & { awayPeriodId: string }> {
    const period = parseInput(AwayPeriodInputSchema, input, 'away period');
    return this.change(caller, key, expectedVersion, 'household.record_away', 'away_period_added', async (tx, at) => {
      const awayPeriodId = newId();
      await this.parts.insertAwayPeriod(tx, key, { id: awayPeriodId, from: Date.parse(period.from), to: Date.parse(period.to), reason: period.reason }, at, actorLabel(caller));
      return { details: { away_period_id: awayPeriodId }, result: { awayPeriodId } };
    });
  }

  /** Removes a contact, a carer or an away period (an away period needs household.record_away, the others household.enrol). */
  async removePart(caller: Caller, key: HouseholdKey, expectedVersion: number, part: RemovablePart, id: string): Promise<HouseholdVersion> {
    const permission: Permission = part === 'away_period' ? 'household.record_away' : 'household.enrol';
    return this.change(caller, key, expectedVersion, permission, `${part}_removed`, async (tx) => {
      if (!(await this.parts.remove(tx, key, part, id))) throw notFound(PART_NAMES[part], id);
      return { details: { [`${part}_id`]: id }, result: {} };
    });
  }

  /**
   * Sets the care rule's settings given (each top-level one whole: inactivity, morning_check...);
   * the others keep their value, and one never set takes the contract's default.
   */
  async updateSettings(caller: Caller, key: HouseholdKey, expectedVersion: number, input: CareSettingsInput): Promise<HouseholdVersion> {
    parseInput(CareSettingsSchema, input, 'settings');
    const { lives_alone: livesAlone, ...given } = input;
    const settings = Object.fromEntries(Object.entries(given).filter(([name]) => name in CareSettingsSchema.shape)) as StoredCareSettings;
    return this.change(caller, key, expectedVersion, 'household.enrol', 'settings_updated', async (tx) => {
      await this.households.updateSettings(tx, key, livesAlone, settings);
      return { details: { settings: Object.keys(settings) }, result: {} };
    });
  }

  /** The household's whole care record (contact phones masked), audited as a read. */
  async get(caller: Caller, key: HouseholdKey, context: ReadContext): Promise<HouseholdRecord> {
    requireEstate(caller, key.estateId);
    return this.db.transaction(async (tx) => {
      await this.placeFor(tx, caller, key, 'household.read');
      const [record] = await this.households.records(tx, caller, 'household.read', key.estateId, { unitIds: [key.unitId] });
      await this.audit.recordReads(tx, caller, this.clock.now(), 'household_read', [key], context);
      return record!;
    });
  }

  /** Households of the estate the caller may read (optionally of one building); each one listed is an audited read. */
  async list(caller: Caller, estateId: string, filter: { buildingId?: string }, context: ReadContext): Promise<HouseholdSummary[]> {
    requireEstate(caller, estateId);
    demand(caller, 'household.read', { estateId, buildingId: filter.buildingId });
    return this.db.transaction(async (tx) => {
      const households = await this.households.list(tx, caller, estateId, filter);
      await this.audit.recordReads(tx, caller, this.clock.now(), 'household_listed', households, context);
      return households;
    });
  }

  /** One emergency contact's full phone number: its own audited read. */
  async revealContactPhone(caller: Caller, key: HouseholdKey, contactId: string, context: ReadContext): Promise<string> {
    requireEstate(caller, key.estateId);
    return this.db.transaction(async (tx) => {
      await this.placeFor(tx, caller, key, 'household.reveal_contact');
      const phone = await this.parts.contactPhone(tx, key, contactId);
      if (phone === null) throw notFound('emergency contact', contactId);
      await this.audit.recordReads(tx, caller, this.clock.now(), 'contact_phone_revealed', [{ ...key, subjectId: contactId }], context);
      return phone;
    });
  }

  /**
   * The care section of the gateway's rules config: the households with a device on it. For the
   * cloud to publish (not shown to the caller, so not an audited read); the caller needs
   * household.enrol or gateway.config in the gateway's estate.
   */
  async careRulesForGateway(caller: Caller, estateId: string, gatewayId: string): Promise<CareRulesConfig> {
    requireEstate(caller, estateId);
    const permission: Permission = callerMay(caller, 'household.enrol', { estateId }) ? 'household.enrol' : 'gateway.config';
    demand(caller, permission, { estateId });
    return this.db.transaction(async (tx) => {
      if ((await this.devices.listGateways(tx, caller, { estateId, gatewayId })).length === 0) throw notFound('gateway', gatewayId);
      const unitIds = await this.households.unitsOnGateway(tx, estateId, gatewayId);
      const records = await this.households.records(tx, caller, permission, estateId, { unitIds });
      return careRulesConfigOf(records, this.clock.now());
    });
  }

  /** not_found unless the caller may see the household's unit; forbidden unless the permission holds there. */
  private async placeFor(tx: SqlExecutor, caller: Caller, key: HouseholdKey, permission: Permission): Promise<void> {
    const place = await this.households.place(tx, caller, key);
    if (!place) throw notFound('household', key.unitId);
    demand(caller, permission, { estateId: key.estateId, buildingId: place.buildingId });
  }

  /**
   * One change of a household: locks it, checks the caller may make it and that expectedVersion is
   * current, applies it, raises the version and audits it, all in one transaction.
   */
  private async change<T extends object>(
    caller: Caller,
    key: HouseholdKey,
    expectedVersion: number,
    permission: Permission,
    action: string,
    apply: (tx: SqlExecutor, at: number) => Promise<ChangeOutcome<T>>,
  ): Promise<HouseholdVersion & T> {
    const expected = parseInput(VersionSchema, expectedVersion, 'version');
    requireEstate(caller, key.estateId);
    return this.db.transaction(async (tx) => {
      const locked = await this.households.lockForChange(tx, caller, key);
      if (!locked) throw notFound('household', key.unitId);
      demand(caller, permission, { estateId: key.estateId, buildingId: locked.buildingId });
      if (locked.version !== expected) {
        throw new AppError('conflict', 'stale_version', `household ${key.unitId} is at version ${locked.version}, not ${expected}: reload it and apply your change again`, {
          details: { current_version: locked.version, expected_version: expected },
        });
      }
      const at = this.clock.now();
      const outcome = await apply(tx, at);
      const version = await this.households.bumpVersion(tx, key, at);
      await this.audit.recordChange(tx, caller, at, { estateId: key.estateId, unitId: key.unitId, action, details: { version, ...outcome.details } });
      return { ...key, version, ...outcome.result };
    });
  }
}

function consentOf(id: string, consent: z.output<typeof ConsentInputSchema>) {
  return { id, givenBy: consent.given_by, givenAt: Date.parse(consent.given_at), scope: consent.scope, documentRef: consent.document_ref };
}
