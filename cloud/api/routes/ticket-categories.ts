import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { AlertCategorySchema, type AlertCategory } from '../../../shared/contract/index.js';
import { OUTCOME_CODES_BY_CATEGORY } from '../../tickets/ticket-outcomes.js';
import { OutcomeCodeSchema } from '../../tickets/ticket.js';

const CategoriesSchema = z.object({
  categories: z.array(z.object({ type: AlertCategorySchema, outcome_codes: z.array(OutcomeCodeSchema) })),
});

/** The ticket categories and the outcome codes each may be resolved with, for the resolve form. */
export const ticketCategoryRoutes = (): FastifyPluginAsyncZod => async (app) => {
  app.get(
    '/ticket-categories',
    { config: { access: 'public' }, schema: { summary: 'Ticket categories with the outcome codes a ticket of each may be resolved with', response: { 200: CategoriesSchema } } },
    async () => ({
      categories: (Object.keys(OUTCOME_CODES_BY_CATEGORY) as AlertCategory[]).map((type) => ({
        type,
        outcome_codes: [...OUTCOME_CODES_BY_CATEGORY[type]],
      })),
    }),
  );
};
