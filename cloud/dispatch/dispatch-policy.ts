import { z } from 'zod';
import { AlertCategorySchema, type AlertCategory } from '../../shared/contract/index.js';
import {
  DEFAULT_TICKET_POLICY,
  ESCALATION_AUDIENCES,
  MINUTE_MS,
  mayBePooled,
  type CategoryPolicy,
  type EscalationChainName,
  type EscalationChains,
  type EscalationStep,
  type EstateTicketPolicy,
  type TicketPolicy,
} from '../tickets/ticket-policy.js';

const ALERT_CATEGORIES = AlertCategorySchema.options;

const StepSchema = z.object({
  notify: z.enum(ESCALATION_AUDIENCES),
  after_minutes: z.number().int().min(0).max(7 * 24 * 60).describe("minutes past the chain's deadline"),
  renotify_every_minutes: z
    .number()
    .int()
    .min(1)
    .max(24 * 60)
    .nullable()
    .default(null)
    .describe('tell the same people again this often until the chain stops or its next step fires; null: once'),
});

const ChainSchema = z
  .array(StepSchema)
  .max(6)
  .refine((steps) => steps.every((step, i) => i === 0 || step.after_minutes > steps[i - 1]!.after_minutes), 'after_minutes must rise from step to step');

/** One category's changes; what is left out keeps the default. Times in minutes, as a city's rules state them. */
const CategoryChangesSchema = z
  .object({
    ack_within_minutes: z.number().int().min(1).max(7 * 24 * 60).optional(),
    on_site_within_minutes: z.number().int().min(1).max(14 * 24 * 60).optional(),
    follow_up_within_hours: z.number().int().min(1).max(14 * 24).nullable().optional().describe('null: no follow-up call; the ticket closes when resolved'),
    pool_minutes: z.number().int().min(1).max(24 * 60).nullable().optional().describe('grab pool (抢单) before dispatch; null: dispatched at once'),
    escalation: z.object({ ack: ChainSchema.optional(), on_site: ChainSchema.optional(), follow_up: ChainSchema.optional() }).strict().optional(),
  })
  .strict();

/**
 * An estate's dispatch policy as its manager writes it: per category, only what differs from the
 * defaults (ticket-policy.ts). Lift entrapment "on site within 15 minutes" where a city requires it
 * is `{"lift_entrapment": {"on_site_within_minutes": 15}}`.
 */
export const DispatchPolicyChangesSchema = z
  .object(Object.fromEntries(ALERT_CATEGORIES.map((category) => [category, CategoryChangesSchema.optional()])) as Record<AlertCategory, z.ZodOptional<typeof CategoryChangesSchema>>)
  .strict()
  .superRefine((changes, ctx) => {
    for (const category of ALERT_CATEGORIES) {
      const change = changes[category];
      if (!change) continue;
      if (change.pool_minutes != null && !mayBePooled(category, DEFAULT_TICKET_POLICY[category].priority)) {
        ctx.addIssue({ code: 'custom', path: [category, 'pool_minutes'], message: 'urgent work (P1, care visits) is always dispatched, never pooled' });
      }
      for (const chain of ['ack', 'on_site', 'follow_up'] as const) {
        (change.escalation?.[chain] ?? []).forEach((step, i) => {
          if (step.notify === 'emergency_contact' && category !== 'care_visit') {
            ctx.addIssue({ code: 'custom', path: [category, 'escalation', chain, i, 'notify'], message: 'only a care visit escalates to the emergency contact' });
          }
        });
      }
    }
  });
export type DispatchPolicyChanges = z.infer<typeof DispatchPolicyChangesSchema>;

function toSteps(steps: z.infer<typeof ChainSchema>): EscalationStep[] {
  return steps.map((step) => ({
    audience: step.notify,
    afterMs: step.after_minutes * MINUTE_MS,
    renotifyEveryMs: step.renotify_every_minutes === null ? null : step.renotify_every_minutes * MINUTE_MS,
  }));
}

function applyCategoryChanges(base: CategoryPolicy, change: z.infer<typeof CategoryChangesSchema> | undefined): CategoryPolicy {
  if (!change) return base;
  const escalation: EscalationChains = {
    ack: change.escalation?.ack ? toSteps(change.escalation.ack) : base.escalation.ack,
    on_site: change.escalation?.on_site ? toSteps(change.escalation.on_site) : base.escalation.on_site,
    follow_up: change.escalation?.follow_up ? toSteps(change.escalation.follow_up) : base.escalation.follow_up,
  };
  return {
    ...base,
    ackWithinMs: change.ack_within_minutes !== undefined ? change.ack_within_minutes * MINUTE_MS : base.ackWithinMs,
    onSiteWithinMs: change.on_site_within_minutes !== undefined ? change.on_site_within_minutes * MINUTE_MS : base.onSiteWithinMs,
    followUpWithinMs: change.follow_up_within_hours === undefined ? base.followUpWithinMs : change.follow_up_within_hours === null ? null : change.follow_up_within_hours * 60 * MINUTE_MS,
    poolForMs: change.pool_minutes === undefined ? base.poolForMs : change.pool_minutes === null ? null : change.pool_minutes * MINUTE_MS,
    escalation,
  };
}

/** The defaults with an estate's changes laid over them, category by category. */
export function estatePolicyOf(version: number, changes: DispatchPolicyChanges): EstateTicketPolicy {
  const categories = Object.fromEntries(
    ALERT_CATEGORIES.map((category) => [category, applyCategoryChanges(DEFAULT_TICKET_POLICY[category], changes[category])]),
  ) as Record<AlertCategory, CategoryPolicy>;
  return { version, categories };
}

/** A category's policy as a manager reads and writes it (the shape of one category's changes, every field given). */
export interface CategoryPolicyTerms {
  priority: CategoryPolicy['priority'];
  ack_within_minutes: number;
  on_site_within_minutes: number;
  follow_up_within_hours: number | null;
  pool_minutes: number | null;
  /** False for urgent work (P1, care visits), which is always dispatched at once. */
  may_pool: boolean;
  escalation: Record<EscalationChainName, Array<{ notify: EscalationStep['audience']; after_minutes: number; renotify_every_minutes: number | null }>>;
}

/** The inverse of applyCategoryChanges: a category's policy in minutes and hours, as changes are written. */
export function termsOf(category: AlertCategory, policy: CategoryPolicy): CategoryPolicyTerms {
  const steps = (chain: readonly EscalationStep[]) =>
    chain.map((step) => ({ notify: step.audience, after_minutes: step.afterMs / MINUTE_MS, renotify_every_minutes: step.renotifyEveryMs === null ? null : step.renotifyEveryMs / MINUTE_MS }));
  return {
    priority: policy.priority,
    ack_within_minutes: policy.ackWithinMs / MINUTE_MS,
    on_site_within_minutes: policy.onSiteWithinMs / MINUTE_MS,
    follow_up_within_hours: policy.followUpWithinMs === null ? null : policy.followUpWithinMs / (60 * MINUTE_MS),
    pool_minutes: policy.poolForMs === null ? null : policy.poolForMs / MINUTE_MS,
    may_pool: mayBePooled(category, policy.priority),
    escalation: { ack: steps(policy.escalation.ack), on_site: steps(policy.escalation.on_site), follow_up: steps(policy.escalation.follow_up) },
  };
}

/** Every category's terms of a policy. */
export function policyTerms(policy: TicketPolicy): Record<AlertCategory, CategoryPolicyTerms> {
  return Object.fromEntries(ALERT_CATEGORIES.map((category) => [category, termsOf(category, policy[category])])) as Record<AlertCategory, CategoryPolicyTerms>;
}
