import { isInHomeSignal, type ActivitySignal } from '../activity/activity-signal.js';
import type { SignalWatch } from '../activity/signal-watch.js';

/**
 * May the household's quiet since `quietStart` be taken as "no activity" for `limitMs`, given which
 * signals watched it? A signal supports the quiet when it has watched without a break for the whole
 * limit (since the later of the quiet's start and its own). When some signals are blind the others
 * decide, and the evidence says so, with one exception: a door alone cannot tell a resident resting
 * at home from a fallen one, so when every in-home meter (water, electricity) of a household is
 * blind nothing is concluded (the device-offline rule reports the meters to facilities instead).
 */
export type QuietVerdict =
  | { kind: 'quiet'; decidedOn: ActivitySignal[]; blind: SignalWatch[] }
  | { kind: 'wait'; until: number }
  | { kind: 'no_data'; blind: SignalWatch[] };

export function judgeQuiet(watches: readonly SignalWatch[], quietStart: number, limitMs: number, now: number): QuietVerdict {
  const blind = watches.filter(watchBlind);
  const watching = watches.filter((watch) => watch.watching);
  const hasInHome = watches.some((watch) => isInHomeSignal(watch.signal));
  const deciding = hasInHome ? watching.filter((watch) => isInHomeSignal(watch.signal)) : watching;
  if (deciding.length === 0) return { kind: 'no_data', blind };
  const watchedFrom = (watch: SignalWatch) => Math.max(quietStart, watch.since);
  const watchedThrough = (watch: SignalWatch) => now - watchedFrom(watch) >= limitMs;
  if (!deciding.some(watchedThrough)) {
    return { kind: 'wait', until: Math.min(...deciding.map((watch) => watchedFrom(watch) + limitMs)) };
  }
  const partly = watching.filter((watch) => !watchedThrough(watch));
  return {
    kind: 'quiet',
    decidedOn: watching.filter(watchedThrough).map((watch) => watch.signal),
    blind: [...new Set([...blind, ...partly])],
  };
}

/**
 * The quiet was decided without the household's water meter, which is blind: the door and the
 * electricity meter alone are weak witnesses of a resident at home (with the home's machines set
 * aside, a quiet afternoon shows little on them), so the checks wait longer or leave it to the night
 * limit (inactivity-check.ts, morning-check.ts).
 */
export function waterBlind(verdict: Extract<QuietVerdict, { kind: 'quiet' }>): boolean {
  return meterBlind(verdict, 'water');
}

/**
 * One of the household's in-home meters is blind now (offline, silent, a supply cut): water alone
 * counts in 10 L steps and can show nothing of a quiet afternoon, electricity alone nothing of a
 * resident who does not switch anything on. A quiet day is then judged on a longer limit
 * (inactivity-check.ts). A meter back from a break watches again (its data since then is in the
 * verdict's words).
 */
export function inHomeMeterBlind(watches: readonly SignalWatch[]): boolean {
  return watches.some((watch) => isInHomeSignal(watch.signal) && watchBlind(watch));
}

/** One signal of the household is blind now (offline, silent, a supply cut). */
export function signalBlind(watches: readonly SignalWatch[], signal: ActivitySignal): boolean {
  return watches.some((watch) => watch.signal === signal && watchBlind(watch));
}

/** A signal's watch sees nothing now: not watching at all, or a device of it blind. */
function watchBlind(watch: SignalWatch): boolean {
  return !watch.watching || watch.blind.length > 0;
}

function meterBlind(verdict: Extract<QuietVerdict, { kind: 'quiet' }>, signal: ActivitySignal): boolean {
  return !verdict.decidedOn.includes(signal) && verdict.blind.some((watch) => watch.signal === signal);
}
