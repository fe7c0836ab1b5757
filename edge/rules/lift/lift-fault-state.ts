import type { LiftFault } from '../../../shared/contract/index.js';
import type { LiftRuleParams } from '../../../shared/contract/rules-config-lift.js';
import type { RuleContext } from '../rule.js';
import type { LiftStatus } from './lift-status.js';

/** What the lift_fault rule keeps per lift (state key: the lift's asset id). */
export interface LiftFaultState {
  /** Time of the latest status frame judged: an older frame arriving late is not used. */
  seen_at?: number;
  floor?: number;
  /** Active monitor faults; confirmed once active for faults.confirm_s (timer fault:<lift>:<fault>). */
  faults?: Partial<Record<LiftFault, { since: number; confirmed: boolean; device_id: string; vendor_code?: number | string }>>;
  /** Last door state and the door openings counted toward repeated cycling. */
  door?: { closed?: boolean; openings: number[] };
  /** Repeated door cycling detected, since when. */
  door_cycling?: { since: number; openings: number; window_s: number };
  /** In service mode out_of_service since; confirmed after out_of_service.after_s (timer oos:<lift>). */
  out_of_service?: { since: number; confirmed: boolean };
}

/** One reason a lift needs a repair job, as listed in the alert. */
export type LiftProblem = LiftFault | 'door_cycling' | 'out_of_service';

export const faultTimerKey = (liftId: string, fault: LiftFault): string => `fault:${liftId}:${fault}`;
export const outOfServiceTimerKey = (liftId: string): string => `oos:${liftId}`;

/** Confirmed problems, oldest first. */
export function problemsOf(state: LiftFaultState): LiftProblem[] {
  const found: Array<{ problem: LiftProblem; since: number }> = [];
  for (const [fault, entry] of Object.entries(state.faults ?? {})) if (entry.confirmed) found.push({ problem: fault as LiftFault, since: entry.since });
  if (state.door_cycling) found.push({ problem: 'door_cycling', since: state.door_cycling.since });
  if (state.out_of_service?.confirmed) found.push({ problem: 'out_of_service', since: state.out_of_service.since });
  return found.sort((a, b) => a.since - b.since || (a.problem < b.problem ? -1 : 1)).map(({ problem }) => problem);
}

/** A monitor fault began: counted once confirmed (at once when confirm_s is 0). */
export function faultRaised(state: LiftFaultState, liftId: string, fault: LiftFault, details: { device_id: string; vendor_code?: number | string }, params: LiftRuleParams, context: RuleContext): void {
  if (!(params.faults.raise_on as readonly LiftFault[]).includes(fault) || state.faults?.[fault]) return;
  const confirmMs = params.faults.confirm_s * 1000;
  state.faults = { ...state.faults, [fault]: { since: context.now, confirmed: confirmMs === 0, ...details } };
  if (confirmMs > 0) context.setTimer(faultTimerKey(liftId, fault), context.now + confirmMs);
}

export function faultCleared(state: LiftFaultState, liftId: string, fault: LiftFault, context: RuleContext): void {
  if (!state.faults?.[fault]) return;
  const { [fault]: _gone, ...rest } = state.faults;
  state.faults = rest;
  context.clearTimer(faultTimerKey(liftId, fault));
}

/** Service mode seen: out_of_service starts the clock, any other mode stops it. */
export function serviceModeSeen(state: LiftFaultState, liftId: string, outOfService: boolean, params: LiftRuleParams, context: RuleContext): void {
  if (!outOfService) {
    if (!state.out_of_service) return;
    delete state.out_of_service;
    context.clearTimer(outOfServiceTimerKey(liftId));
    return;
  }
  if (state.out_of_service || !params.out_of_service.enabled) return;
  const afterMs = params.out_of_service.after_s * 1000;
  state.out_of_service = { since: context.now, confirmed: afterMs === 0 };
  if (afterMs > 0) context.setTimer(outOfServiceTimerKey(liftId), context.now + afterMs);
}

/**
 * Door openings (closed -> not closed) within door_cycling.window_s; with same_landing, a run of
 * the car starts the count again. door_cycling.cycles of them is repeated door cycling (反复开关门,
 * edge/rules/README.md); it ends when the count in the window falls below that again.
 */
export function doorsSeen(state: LiftFaultState, status: LiftStatus, params: LiftRuleParams, now: number): void {
  const rule = params.door_cycling;
  if (!rule.enabled || status.doorsClosed === undefined) return;
  let openings = state.door?.openings ?? [];
  if (rule.same_landing && status.running) openings = [];
  if (state.door?.closed === true && !status.doorsClosed) openings = [...openings, now];
  const windowMs = rule.window_s * 1000;
  openings = openings.filter((at) => now - at <= windowMs).slice(-rule.cycles);
  state.door = { closed: status.doorsClosed, openings };
  const detected = openings.length >= rule.cycles;
  if (detected && !state.door_cycling) state.door_cycling = { since: now, openings: openings.length, window_s: rule.window_s };
  else if (!detected && state.door_cycling) delete state.door_cycling;
}
