import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { LocalIdSchema } from '../../../shared/contract/index.js';
import { ReadPurposeSchema, type ReadContext } from '../../audit/audit-entry.js';
import type { HouseholdService } from '../../estates/household-service.js';
import type { RemovablePart } from '../../estates/household-parts-repository.js';
import type { HouseholdRecord, HouseholdSummary, HouseholdVersion } from '../../estates/household-records.js';
import { invalidField } from '../../platform/app-error.js';
import { iso, isoOrNull } from '../api-time.js';
import { signedInCaller } from '../auth/authentication.js';
import { AnyBody } from '../any-body.js';
import { EstateParams } from './estates.js';
import type { RouteAccess } from '../auth/route-access.js';
import { actorLabel } from '../../access/caller.js';
import type { HouseholdConfigDelivery } from '../../config-delivery/household-config-delivery.js';
import type { HouseholdActivityErasure } from '../../household-activity/activity-erasure.js';

export type HouseholdDesk = Pick<
  HouseholdService,
  'enrol' | 'recordConsent' | 'withdrawConsent' | 'addContact' | 'addCarer' | 'addAwayPeriod' | 'removePart' | 'updateSettings' | 'get' | 'list' | 'revealContactPhone'
>;

const HouseholdParams = EstateParams.extend({ unit_id: LocalIdSchema });
/** Every read of resident data names what it is for (PIPL Art. 6): it is written to the audit log. */
const ReadQuery = z.object({ purpose: ReadPurposeSchema });

/**
 * The version a change is made against, from `If-Match: "<version>"` (RFC 9110 section 13.1.1; the
 * household's ETag is its version). A stale version is 409 from the service; none is 400.
 */
function expectedVersion(request: FastifyRequest): number {
  const header = request.headers['if-match'];
  const match = typeof header === 'string' ? /^\s*(?:W\/)?"?(\d{1,9})"?\s*$/.exec(header) : null;
  if (!match) throw invalidField('headers.if-match', 'send the household version this change is made against, as If-Match: "<version>"');
  return Number(match[1]);
}

const readContext = (request: FastifyRequest, purpose: ReadContext['purpose']): ReadContext => ({ purpose, route: `${request.method} ${request.routeOptions.url}` });

function versionView(reply: FastifyReply, changed: HouseholdVersion & { contactId?: string; carerId?: string; awayPeriodId?: string }, code = 200) {
  reply.header('etag', `"${changed.version}"`);
  const { estateId, unitId, version, contactId, carerId, awayPeriodId } = changed;
  return reply.code(code).send({ estate_id: estateId, unit_id: unitId, version, contact_id: contactId, carer_id: carerId, away_period_id: awayPeriodId });
}

function summaryView(summary: HouseholdSummary) {
  return { unit_id: summary.unitId, building_id: summary.buildingId, label: summary.label, version: summary.version, enrolled: summary.enrolled, updated_at: iso(summary.updatedAt) };
}

/** A household's care record; contact phones only masked (revealing one is its own audited read). */
function recordView(record: HouseholdRecord) {
  const consentView = (consent: NonNullable<HouseholdRecord['consent']>) => ({
    id: consent.id,
    given_by: consent.givenBy,
    given_at: iso(consent.givenAt),
    scope: consent.scope,
    document_ref: consent.documentRef,
    recorded_at: iso(consent.recordedAt),
    recorded_by: consent.recordedBy,
    withdrawn_at: isoOrNull(consent.withdrawnAt),
    withdrawal_recorded_by: consent.withdrawalRecordedBy,
    withdrawal_note: consent.withdrawalNote,
  });
  return {
    estate_id: record.estateId,
    unit_id: record.unitId,
    building_id: record.buildingId,
    label: record.label,
    version: record.version,
    lives_alone: record.livesAlone,
    settings: record.settings,
    consent: record.consent ? consentView(record.consent) : null,
    consents: record.consents.map(consentView),
    contacts: record.contacts.map((contact) => ({ id: contact.id, name: contact.name, relationship: contact.relationship, phone_masked: contact.phoneMasked })),
    carers: record.carers,
    away_periods: record.awayPeriods.map((away) => ({ id: away.id, from: iso(away.from), to: iso(away.to), reason: away.reason, recorded_at: iso(away.recordedAt), recorded_by: away.recordedBy })),
    updated_at: iso(record.updatedAt),
  };
}

const PART_PATHS: ReadonlyArray<{ path: string; part: RemovablePart; access: RouteAccess }> = [
  { path: 'contacts', part: 'contact', access: { permission: 'household.enrol' } },
  { path: 'carers', part: 'carer', access: { permission: 'household.enrol' } },
  { path: 'away-periods', part: 'away_period', access: { permission: 'household.record_away' } },
];

/**
 * Households' care records, one change per request, each against the version the caller last read
 * (If-Match). Reads name their purpose and are audited in the read's own transaction.
 */
export const householdRoutes =
  (desk: HouseholdDesk, delivery: Pick<HouseholdConfigDelivery, 'deliverFor' | 'statusFor'>, erasure: Pick<HouseholdActivityErasure, 'consentWithdrawn'>): FastifyPluginAsyncZod =>
  async (app) => {
    /** The change, then the rules config of each gateway watching the household (a withdrawal stops its monitoring). */
    const delivered = async <T extends HouseholdVersion>(request: FastifyRequest, change: Promise<T>): Promise<T> => {
      const result = await change;
      await delivery.deliverFor({ estateId: result.estateId, unitId: result.unitId }, actorLabel(signedInCaller(request)));
      return result;
    };

    /** Which config version of each gateway watching the household carries its latest change, and whether the gateway runs it. */
    const deliveryOf = async (household: { estateId: string; unitId: string }, changedAt: number) =>
      (await delivery.statusFor(household, changedAt)).map((status) => ({
        gateway_id: status.gatewayId,
        config_version: status.carriedBy,
        reported_config_version: status.reported,
        running: status.running,
      }));

    const base = '/estates/:estate_id/households';
    const key = (params: z.infer<typeof HouseholdParams>) => ({ estateId: params.estate_id, unitId: params.unit_id });

    app.get(
      base,
      { config: { access: { permission: 'household.read' } }, schema: { summary: 'Households of the estate the caller may read (audited)', params: EstateParams, querystring: ReadQuery.extend({ building_id: LocalIdSchema.optional() }) } },
      async (request) => {
        const { purpose, building_id } = request.query;
        const households = await desk.list(signedInCaller(request), request.params.estate_id, building_id ? { buildingId: building_id } : {}, readContext(request, purpose));
        return { households: households.map(summaryView) };
      },
    );

    app.post(
      base,
      { config: { access: { permission: 'household.enrol' } }, schema: { summary: "Enrol a unit's household in care with the resident's recorded consent", params: EstateParams, body: AnyBody } },
      async (request, reply) => versionView(reply, await delivered(request, desk.enrol(signedInCaller(request), request.params.estate_id, request.body as never)), 201),
    );

    app.get(
      `${base}/:unit_id`,
      { config: { access: { permission: 'household.read' } }, schema: { summary: "A household's care record, phones masked (audited)", params: HouseholdParams, querystring: ReadQuery } },
      async (request, reply) => {
        const record = await desk.get(signedInCaller(request), key(request.params), readContext(request, request.query.purpose));
        const delivery = await deliveryOf(key(request.params), record.updatedAt);
        reply.header('etag', `"${record.version}"`);
        return { ...recordView(record), config_delivery: delivery };
      },
    );

    app.post(
      `${base}/:unit_id/consent`,
      { config: { access: { permission: 'household.enrol' } }, schema: { summary: 'Record a new consent (If-Match: version)', params: HouseholdParams, body: AnyBody } },
      async (request, reply) => versionView(reply, await delivered(request, desk.recordConsent(signedInCaller(request), key(request.params), expectedVersion(request), request.body as never))),
    );

    app.post(
      `${base}/:unit_id/consent/withdrawal`,
      { config: { access: { permission: 'household.enrol' } }, schema: { summary: 'Withdraw consent: care monitoring of the household stops, its activity aggregates are deleted (If-Match: version)', params: HouseholdParams, body: AnyBody } },
      async (request, reply) => {
        const withdrawn = await delivered(request, desk.withdrawConsent(signedInCaller(request), key(request.params), expectedVersion(request), request.body as never));
        await erasure.consentWithdrawn({ estateId: withdrawn.estateId, householdId: withdrawn.unitId });
        return versionView(reply, withdrawn);
      },
    );

    app.put(
      `${base}/:unit_id/settings`,
      { config: { access: { permission: 'household.enrol' } }, schema: { summary: 'Care settings of the household (If-Match: version)', params: HouseholdParams, body: AnyBody } },
      async (request, reply) => versionView(reply, await delivered(request, desk.updateSettings(signedInCaller(request), key(request.params), expectedVersion(request), request.body as never))),
    );

    app.post(
      `${base}/:unit_id/contacts`,
      { config: { access: { permission: 'household.enrol' } }, schema: { summary: 'Add an emergency contact (If-Match: version)', params: HouseholdParams, body: AnyBody } },
      async (request, reply) => versionView(reply, await delivered(request, desk.addContact(signedInCaller(request), key(request.params), expectedVersion(request), request.body as never)), 201),
    );

    app.get(
      `${base}/:unit_id/contacts/:contact_id/phone`,
      {
        config: { access: { permission: 'household.reveal_contact' } },
        schema: { summary: "One emergency contact's full phone number: its own audited read", params: HouseholdParams.extend({ contact_id: z.uuid() }), querystring: ReadQuery },
      },
      async (request) => ({ phone: await desk.revealContactPhone(signedInCaller(request), key(request.params), request.params.contact_id, readContext(request, request.query.purpose)) }),
    );

    app.post(
      `${base}/:unit_id/carers`,
      { config: { access: { permission: 'household.enrol' } }, schema: { summary: 'Add a carer and their visit windows (If-Match: version)', params: HouseholdParams, body: AnyBody } },
      async (request, reply) => versionView(reply, await delivered(request, desk.addCarer(signedInCaller(request), key(request.params), expectedVersion(request), request.body as never)), 201),
    );

    app.post(
      `${base}/:unit_id/away-periods`,
      { config: { access: { permission: 'household.record_away' } }, schema: { summary: "Record the resident's away period: a trip, a hospital stay (If-Match: version)", params: HouseholdParams, body: AnyBody } },
      async (request, reply) => versionView(reply, await delivered(request, desk.addAwayPeriod(signedInCaller(request), key(request.params), expectedVersion(request), request.body as never)), 201),
    );

    for (const { path, part, access } of PART_PATHS) {
      app.delete(
        `${base}/:unit_id/${path}/:part_id`,
        { config: { access }, schema: { summary: `Remove one of the household's ${path} (If-Match: version)`, params: HouseholdParams.extend({ part_id: z.uuid() }) } },
        async (request, reply) => versionView(reply, await delivered(request, desk.removePart(signedInCaller(request), key(request.params), expectedVersion(request), part, request.params.part_id))),
      );
    }
  };
