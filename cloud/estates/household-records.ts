import type { AwayPeriod, CareVisit } from '../../shared/contract/rules-config-care.js';
import type { StoredCareSettings } from './household-schemas.js';

/** A household is a unit's care record, named by the unit's pseudonymous id within its estate. */
export interface HouseholdKey {
  estateId: string;
  unitId: string;
}

/** What a change returns: the household's version after it (send it with the next change). */
export interface HouseholdVersion extends HouseholdKey {
  version: number;
}

export interface ConsentRecord {
  id: string;
  givenBy: string;
  givenAt: number;
  scope: string;
  documentRef: string;
  recordedAt: number;
  recordedBy: string;
  /** When the resident withdrew it; null while it is in force. */
  withdrawnAt: number | null;
  withdrawalRecordedAt: number | null;
  withdrawalRecordedBy: string | null;
  withdrawalNote: string | null;
}

/** An emergency contact as lists show it: the phone masked (revealing it is its own audited read). */
export interface ContactView {
  id: string;
  name: string;
  relationship: string;
  phoneMasked: string;
}

export interface CarerRecord {
  id: string;
  name: string;
  kind: 'carer' | 'visitor';
  visits: CareVisit[];
}

export interface AwayPeriodRecord {
  id: string;
  from: number;
  to: number;
  reason: AwayPeriod['reason'];
  recordedAt: number;
  recordedBy: string;
}

/** What the gateway's care section is derived from (care-rules-config.ts). */
export interface CareSource {
  unitId: string;
  livesAlone: boolean;
  settings: StoredCareSettings;
  /** The consent in force; null when none is (never given, or withdrawn). */
  consent: Pick<ConsentRecord, 'givenAt' | 'scope'> | null;
  carers: ReadonlyArray<Pick<CarerRecord, 'visits'>>;
  awayPeriods: ReadonlyArray<Pick<AwayPeriodRecord, 'from' | 'to' | 'reason'>>;
}

export interface HouseholdRecord extends HouseholdKey, CareSource {
  buildingId: string;
  label: string;
  version: number;
  consent: ConsentRecord | null;
  /** Every consent ever recorded, newest first, withdrawn ones included. */
  consents: ConsentRecord[];
  contacts: ContactView[];
  carers: CarerRecord[];
  awayPeriods: AwayPeriodRecord[];
  updatedAt: number;
}

export interface HouseholdSummary extends HouseholdKey {
  buildingId: string;
  label: string;
  version: number;
  /** A consent is in force: the household is watched over by its gateway. */
  enrolled: boolean;
  updatedAt: number;
}
