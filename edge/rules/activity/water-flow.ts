/**
 * Water use judged through the meter's resolution. A CJ/T 188 meter counts in 0.01 m3 (10 L) steps
 * and is read every few minutes: a tap running at 3 L/min reads +10, +20, +10 L a poll, a tap
 * dribbling at 0.5 L/min reads +10 L every 20 minutes. Each step looks like a fresh use; none is.
 *
 * So a run of counter steps is tested against one steady flow. Between a poll at t_k and the
 * step that opened the run (the counter reached c_0 somewhere in (p_0, t_0], p_0 the poll before),
 * a steady flow f gives c_k - c_0 <= f (t_k - tau) < c_k - c_0 + q for some tau in (p_0, t_0],
 * q being one count (the counter floors the true volume): every poll narrows the feasible rates to
 *   (c_k - c_0) / (t_k - p_0)  <=  f  <=  (c_k - c_0 + q) / (t_k - t_0).
 * While the bounds stay consistent, the steps are one flow (a +-1 count wobble is quantisation);
 * from the third step on they are flow, not new use. The counter rising above what any such flow
 * allows is new use on top of the flow (a shower while a cistern runs); falling below it ends the
 * flow. Irregular human use, a flush now and one two hours later, breaks the bounds by the third
 * step; a steady flow never does. q also allows 10 % of the volume, for a tap whose flow wobbles.
 * Once a flow has run steadily for CONFIRMED_AFTER_MS, its first steps are taken back as well
 * (the resident was last seen before it began: care/meter-sightings.ts).
 */
export interface WaterFlow {
  /** Litres per count: the smallest rise seen (10 for 0.01 m3, 1 for 0.001 m3). */
  step?: number;
  run?: FlowRun;
}

export interface FlowRun {
  /** Poll of the step that opened the run, the poll before it, and the counter then (litres). */
  at: number;
  prevAt: number;
  litres: number;
  /** Feasible steady rates, L/ms; hi absent while unbounded. */
  lo: number;
  hi?: number;
  /** Steps in the run (an inherited run starts established). */
  steps: number;
  /** The flow began (at the first step of the first run it continues), and the counter then. */
  since: number;
  sinceLitres: number;
  /** The run's latest step, where a new run may begin when this one breaks. */
  last?: StepAt;
  /** It has run steadily for CONFIRMED_AFTER_MS: its first steps, taken for use, were the flow. */
  confirmed?: true;
  /** Its last step rose above the flow (use on top of it); a second such step means the flow rose. */
  above?: true;
}

interface StepAt {
  at: number;
  prevAt: number;
  litres: number;
}

export interface WaterFlowStep {
  flow: WaterFlow;
  /** The counter rose for a reason a steady flow does not explain: someone used water. */
  newUse: boolean;
  /** Water runs steadily (established: three steps on one rate), since when, and at what rate (L/min). */
  steady?: { since: number; litresPerMin: number };
  /** The flow has now run steadily for CONFIRMED_AFTER_MS: the uses seen since it began were the flow. */
  confirmed?: { since: number };
}

/** Steps before a run counts as a steady flow: two are always consistent with some rate. */
export const STEADY_AFTER_STEPS = 3;
/**
 * A flow slower than one count in this long is not told apart from sparse use (a flush every two
 * hours, three times at even intervals by chance): it is not taken for flow.
 */
export const SLOWEST_FLOW_STEP_MS = 45 * 60_000;
/**
 * A morning's burst of use can look steady for an hour or so; a tap left running goes on for hours.
 * After this long, and this many steps, the flow is taken back from the start: its first steps were
 * not the resident. A slow flow needs the steps too: a flush, a wash and the kettle can fall half an
 * hour apart all morning, as a dribbling tap's 10 L steps do, but not eight times over.
 */
export const CONFIRMED_AFTER_MS = 3 * 60 * 60_000;
export const CONFIRMED_AFTER_STEPS = 8;
/**
 * An established flow moves its anchor to its latest step this often, keeping its rate (widened by
 * the wobble): the wobble allowed is a share of the volume since the anchor, and a day's flow must
 * not hide a flush.
 */
const REANCHOR_AFTER_MS = 60 * 60_000;
const RATE_WOBBLE = 0.1;
const MS_PER_MIN = 60_000;

/**
 * One poll of the counter (litres) at `at`; `prevAt`/`prevLitres` the poll before, or undefined
 * after a gap in the data (the run is then unknown and starts again).
 */
export function stepWaterFlow(flow: WaterFlow | undefined, at: number, litres: number, prevAt: number | undefined, prevLitres: number | undefined): WaterFlowStep {
  if (prevAt === undefined || prevLitres === undefined || litres < prevLitres) return { flow: { ...(flow?.step ? { step: flow.step } : {}) }, newUse: false };
  const delta = litres - prevLitres;
  // Most polls of most homes: no water, no run. Nothing changes; the flow is handed back as it is.
  if (delta === 0 && !flow?.run) return { flow: flow ?? {}, newUse: false };
  const step = delta > 0 ? Math.min(flow?.step ?? delta, delta) : flow?.step;
  const base: WaterFlow = step === undefined ? {} : { step };
  const here: StepAt = { at, prevAt, litres };
  const run = flow?.run;
  const established = steadyFlowOf(flow);
  const use = delta > 0 ? 'flow' : 'none';
  if (!run) return stepResult(base, at, litres, delta, delta > 0 ? opened(here) : undefined, use);
  const extended = extend(run, here, delta, step ?? 0);
  if (extended !== 'above' && extended !== 'below') {
    if (!established || !extended.last || at - extended.at < REANCHOR_AFTER_MS) return stepResult(base, at, litres, delta, extended, use);
    const { lo, hi } = extended;
    return stepResult(base, at, litres, delta, { ...extended, ...extended.last, lo: lo * (1 - RATE_WOBBLE), ...(hi !== undefined ? { hi: hi * (1 + RATE_WOBBLE) } : {}) }, use);
  }
  if (extended === 'above' && established) {
    const { lo, hi, since, sinceLitres, confirmed } = established;
    const kept = { since, sinceLitres, ...(confirmed ? { confirmed } : {}) };
    // Above it twice running: the flow itself rose (a tap opened further, a second tap). Its new
    // rate is learned afresh from this step; the water has run since the flow began all the same.
    if (established.above) return stepResult(base, at, litres, delta, { ...opened(here), ...kept }, 'on_top');
    // More water than the flow explains: new use on top; the flow goes on under it.
    return stepResult(base, at, litres, delta, { ...opened(here), lo, ...(hi !== undefined ? { hi } : {}), steps: STEADY_AFTER_STEPS, ...kept, above: true }, 'on_top');
  }
  if (delta === 0) return stepResult(base, at, litres, delta, undefined, use); // less than the flow would have brought: it stopped
  // The run broke: a flow may have begun at its latest step (a tap opened after a flush).
  const restarted = run.last ? extend(opened(run.last), here, delta, step ?? 0) : 'below';
  return stepResult(base, at, litres, delta, restarted === 'above' || restarted === 'below' ? opened(here) : restarted, use);
}

/** `use`: the step is use unless the flow explains it ('flow'), or whatever the flow ('on_top'). */
type StepUse = 'none' | 'flow' | 'on_top';

function stepResult(base: WaterFlow, at: number, litres: number, delta: number, next: FlowRun | undefined, use: StepUse): WaterFlowStep {
  const steady = delta > 0 && next ? steadyRun(base.step, next) : undefined;
  const confirming = steady !== undefined && !steady.confirmed && at - steady.since >= CONFIRMED_AFTER_MS && steady.steps >= CONFIRMED_AFTER_STEPS;
  const run = next && confirming ? { ...next, confirmed: true as const } : next;
  const result: WaterFlowStep = { flow: run ? { ...base, run } : base, newUse: use === 'on_top' || (use === 'flow' && !steady) };
  if (steady) result.steady = { since: steady.since, litresPerMin: flowRate(steady, at, litres) };
  if (confirming) result.confirmed = { since: steady.since };
  return result;
}

function opened(first: StepAt): FlowRun {
  return { at: first.at, prevAt: first.prevAt, litres: first.litres, lo: 0, steps: 1, since: first.at, sinceLitres: first.litres };
}

/** The flow's mean rate since it began, L/min (its own steps bring in what came before them). */
export function flowRate(run: FlowRun, at: number, litres: number): number {
  return at > run.since ? ((litres - run.sinceLitres) / (at - run.since)) * MS_PER_MIN : 0;
}

/** The run with one more poll, or where the counter left every steady rate (above or below). */
function extend(run: FlowRun, here: StepAt, delta: number, step: number): FlowRun | 'above' | 'below' {
  const volume = here.litres - run.litres;
  const q = step + RATE_WOBBLE * volume;
  const low = volume / (here.at - run.prevAt);
  const high = (volume + q) / Math.max(1, here.at - run.at);
  if (run.hi !== undefined && low > run.hi) return 'above';
  if (high < run.lo) return 'below';
  const { above: _above, ...rest } = run;
  return { ...rest, lo: Math.max(run.lo, low), hi: run.hi === undefined ? high : Math.min(run.hi, high), steps: run.steps + (delta > 0 ? 1 : 0), ...(delta > 0 ? { last: here } : {}) };
}

/** The run is an established steady flow still consistent at the last poll. */
export function steadyFlowOf(flow: WaterFlow | undefined): FlowRun | undefined {
  const run = flow?.run;
  return run && steadyRun(flow.step, run);
}

/** The same for a run and the counter's step apart (no flow object made to ask). */
function steadyRun(step: number | undefined, run: FlowRun): FlowRun | undefined {
  return step !== undefined && run.steps >= STEADY_AFTER_STEPS && run.lo * SLOWEST_FLOW_STEP_MS >= step ? run : undefined;
}
