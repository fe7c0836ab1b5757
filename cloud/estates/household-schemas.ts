import { z } from 'zod';
import { LocalIdSchema } from '../../shared/contract/index.js';
import { AwayPeriodSchema, CareHouseholdSchema, CareVisitSchema, type CareVisit } from '../../shared/contract/rules-config-care.js';
import { PhoneSchema } from './phone-mask.js';

const IsoTimeSchema = z.iso.datetime({ offset: true });
const TextSchema = (max: number, required: string) => z.string().trim().min(1, required).max(max);

/** PIPL Art. 29: the resident's separate consent, as recorded on paper or in an app. */
export const ConsentInputSchema = z.object({
  /** Who gave it: "the resident", "daughter, legal guardian" (Art. 31 for one who cannot). */
  given_by: TextSchema(200, 'say who gave the consent'),
  given_at: IsoTimeSchema,
  /** What was agreed to, as told to the resident (Art. 30); the gateway's consent purpose. */
  scope: TextSchema(500, 'say what the consent covers'),
  /** Where the signed form is kept: a file number, a document id. */
  document_ref: TextSchema(200, 'give the reference of the signed consent'),
});
export type ConsentInput = z.input<typeof ConsentInputSchema>;

export const EnrolmentSchema = z.object({
  unit_id: LocalIdSchema,
  consent: ConsentInputSchema,
  lives_alone: z.boolean().default(true),
});
export type Enrolment = z.input<typeof EnrolmentSchema>;

export const WithdrawalSchema = z.object({
  withdrawn_at: IsoTimeSchema,
  note: z.string().trim().max(500).optional(),
});
export type Withdrawal = z.input<typeof WithdrawalSchema>;

export const EmergencyContactSchema = z.object({
  name: TextSchema(100, 'a name is required'),
  relationship: TextSchema(50, 'say how they are related: son, neighbour'),
  phone: PhoneSchema,
});
export type EmergencyContactInput = z.input<typeof EmergencyContactSchema>;

/** Carers, and their windows, a household has at most: 10 x 5 = the 50 visits a gateway takes. */
export const MAX_CARERS = 10;
export const MAX_VISITS_PER_CARER = 5;

const CARER_KINDS = ['carer', 'visitor'] as const;

/** Each visit window is a gateway CareVisit whose "who" is the carer's kind: given it here, so the contract checks the window. */
function visitsWithWho(input: unknown): unknown {
  if (typeof input !== 'object' || input === null) return input;
  const { kind, visits } = input as { kind?: unknown; visits?: unknown };
  if (!CARER_KINDS.includes(kind as never) || !Array.isArray(visits)) return input;
  return { ...input, visits: visits.map((visit: unknown) => (typeof visit === 'object' && visit !== null ? { ...visit, who: kind } : visit)) };
}

/** A carer or regular visitor and when they come (weekdays 1 = Monday, local times). */
export const CarerSchema = z.preprocess(
  visitsWithWho,
  z.object({
    name: TextSchema(100, 'a name is required'),
    kind: z.enum(CARER_KINDS),
    visits: z.array(CareVisitSchema).min(1, 'give at least one visit window').max(MAX_VISITS_PER_CARER),
  }),
);
export type CarerInput = { name: string; kind: (typeof CARER_KINDS)[number]; visits: Array<Omit<CareVisit, 'who' | 'weekdays'> & { weekdays?: number[] }> };

/** A trip or hospital stay, exactly as the gateway reads it. */
export const AwayPeriodInputSchema = AwayPeriodSchema;
export type AwayPeriodInput = z.input<typeof AwayPeriodInputSchema>;

/**
 * The care rule's settings for the household; what is left out takes the gateway contract's
 * defaults when the config is derived (so a better default reaches households that never set one).
 */
export const CareSettingsSchema = CareHouseholdSchema.pick({
  lives_alone: true,
  utc_offset_min: true,
  inactivity: true,
  morning_check: true,
  standby_power_w: true,
  signals: true,
  gate: true,
  credential_refs: true,
}).partial();
export type CareSettingsInput = z.input<typeof CareSettingsSchema>;
/** Settings as stored: the given keys only (validated), lives_alone kept in its own column. */
export type StoredCareSettings = Omit<Partial<Record<keyof z.output<typeof CareSettingsSchema>, unknown>>, 'lives_alone'>;
