import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { LocalIdSchema } from '../../../shared/contract/index.js';
import { ReadPurposeSchema } from '../../audit/audit-entry.js';
import type { HouseholdActivityService } from '../../household-activity/household-activity-service.js';
import { isoOrNull } from '../api-time.js';
import { signedInCaller } from '../auth/authentication.js';
import { EstateParams } from './estates.js';

export type HouseholdActivityDesk = Pick<HouseholdActivityService, 'picture'>;

/** Weeks of hours one request may ask for: the default picture is 4, and a quarter is the most. */
export const DEFAULT_ACTIVITY_WEEKS = 4;
export const MAX_ACTIVITY_WEEKS = 13;

const ActivityQuery = z.object({
  purpose: ReadPurposeSchema,
  weeks: z.coerce.number().int().min(1).max(MAX_ACTIVITY_WEEKS).default(DEFAULT_ACTIVITY_WEEKS),
});

/**
 * An enrolled household's hourly activity (door openings, litres of water, kWh, minutes above
 * standby power; shared/contract/household-activity.ts) as a day-by-hour picture in the estate's
 * time zone, and the routine the gateway learned, for supervision. An audited read of resident
 * data, like every household read.
 */
export const householdActivityRoutes =
  (desk: HouseholdActivityDesk): FastifyPluginAsyncZod =>
  async (app) => {
    app.get(
      '/estates/:estate_id/households/:unit_id/activity',
      {
        config: { access: { permission: 'household.activity' } },
        schema: {
          summary: "A household's hourly activity of the last weeks, day by hour in the estate's time zone, and its learned routine (audited)",
          params: EstateParams.extend({ unit_id: LocalIdSchema }),
          querystring: ActivityQuery,
        },
      },
      async (request) => {
        const { estate_id: estateId, unit_id: unitId } = request.params;
        const picture = await desk.picture(signedInCaller(request), { estateId, unitId }, request.query.weeks, {
          purpose: request.query.purpose,
          route: `${request.method} ${request.routeOptions.url}`,
        });
        return {
          estate_id: picture.estateId,
          unit_id: picture.unitId,
          time_zone: picture.timeZone,
          days: picture.days,
          routine: picture.routine,
          routine_as_of: isoOrNull(picture.routineAsOf),
        };
      },
    );
  };
