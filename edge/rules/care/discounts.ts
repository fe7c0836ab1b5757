import type { CareCall } from './care-call-context.js';
import type { Discounted } from './care-state.js';

/** The last switch-ons not counted as activity, kept for an alert's explanation. */
const DISCOUNTED_KEPT = 8;

/** Notes a switch-on not counted as the resident's activity, so the alert can say what it set aside. */
export function noteDiscounted(call: CareCall, item: Discounted): void {
  call.state = { ...call.state, discounted: [...(call.state.discounted ?? []), item].slice(-DISCOUNTED_KEPT) };
  call.dirty = true;
}

/** What was set aside since `since` (for the alert of a quiet since then). */
export function discountedSince(call: CareCall, since: number): Discounted[] {
  return (call.state.discounted ?? []).filter((item) => item.at > since);
}

/** A switch-on set aside was the resident after all (activity/appliance-model.ts noteSwitchOff): the alert no longer lists it. */
export function withdrawDiscounted(call: CareCall, at: number): void {
  const kept = (call.state.discounted ?? []).filter((item) => item.at !== at);
  if (kept.length === (call.state.discounted ?? []).length) return;
  call.state = { ...call.state, discounted: kept };
  call.dirty = true;
}
