/**
 * A/B decision between a control and a treatment model: a mixture sequential probability ratio test (mSPRT;
 * Johari, Koomen, Pekelis & Walsh, "Always valid inference", 2017/2022) on the difference of success rates,
 * plus guardrails on errors and latency. Its p-value and interval stay valid however often the tallies are
 * looked at, so a monitoring loop may call it after every batch. Workflow code imports it: pure, deterministic.
 */

/** Cumulative outcomes of one arm. */
export interface ArmTally {
  /** Requests served (answered or failed). */
  requests: number;
  /** Requests that failed (server error, timeout). */
  errors: number;
  /** Feedback events received (each says whether the answer resolved the user's question). */
  feedback: number;
  /** Feedback events with resolved = true. */
  resolved: number;
  /** Latency histogram of answered requests: counts per bucket of LATENCY_BUCKETS_S upper bounds, plus one overflow bucket. */
  latency: number[];
}

/** Upper bounds 0.01 s · 1.25^i, i = 0..39 (last ≈ 60.2 s), built by repeated multiplication so every replay gets the same bits. */
export const LATENCY_BUCKETS_S: readonly number[] = (() => {
  const bounds = [0.01];
  while (bounds.length < 40) bounds.push(bounds[bounds.length - 1] * 1.25);
  return Object.freeze(bounds);
})();

export function emptyTally(): ArmTally {
  return { requests: 0, errors: 0, feedback: 0, resolved: 0, latency: new Array<number>(LATENCY_BUCKETS_S.length + 1).fill(0) };
}

export function addTallies(a: ArmTally, b: ArmTally): ArmTally {
  const length = Math.max(a.latency.length, b.latency.length);
  return {
    requests: a.requests + b.requests,
    errors: a.errors + b.errors,
    feedback: a.feedback + b.feedback,
    resolved: a.resolved + b.resolved,
    latency: Array.from({ length }, (_, i) => (a.latency[i] ?? 0) + (b.latency[i] ?? 0)),
  };
}

/** Index of the first bucket whose upper bound is >= seconds; the overflow bucket past 60.2 s. */
export function latencyBucket(seconds: number): number {
  const i = LATENCY_BUCKETS_S.findIndex((bound) => seconds <= bound);
  return i === -1 ? LATENCY_BUCKETS_S.length : i;
}

/** Requests that got an answer: those in the latency histogram. */
function answered(t: ArmTally): number {
  return t.latency.reduce((sum, n) => sum + n, 0);
}

/** Upper bound of the bucket holding the q-quantile (0<q<1) of answered latencies (Infinity for the overflow bucket); null if none answered. */
export function latencyQuantile(t: ArmTally, q: number): number | null {
  if (!(q > 0 && q < 1)) throw new RangeError(`quantile must lie in (0, 1), got ${q}`);
  const count = answered(t);
  if (count === 0) return null;
  // Nearest rank; the epsilon keeps 0.95 · 60 = 57.000000000000007 at rank 57.
  const rank = Math.max(1, Math.ceil(q * count - 1e-9));
  let seen = 0;
  for (let i = 0; i < t.latency.length; i++) {
    seen += t.latency[i];
    if (seen >= rank) return LATENCY_BUCKETS_S[i] ?? Infinity;
  }
  return Infinity;
}

export interface SequentialTestConfig {
  /** Type I error bound of the always-valid test (e.g. 0.05). */
  alpha: number;
  /** Standard deviation tau of the normal mixing distribution over the true difference of success rates (e.g. 0.05). */
  effectSize: number;
  /** No decision (other than a guardrail breach) before each arm has at least this much feedback. */
  minSamples: number;
  /** When both arms' feedback reaches this cap without a decision: inconclusive. */
  maxSamples: number;
  /**
   * Guardrail: roll back when the treatment's p95 latency exceeds the control's by more than this factor and, by the
   * mSPRT, significantly more of its answered requests are slower than that limit; once each arm has minSamples
   * answered requests.
   */
  maxLatencyRatio: number;
  /**
   * 'p95-ratio': the p95 comparison alone, as A/B tests begun before the sequential latency guardrail decided (their
   * workflows replay with it). Default 'sequential'.
   */
  latencyGuardrail?: 'sequential' | 'p95-ratio';
  /** Guardrail: roll back when treatment error rate - control error rate exceeds this and the mSPRT on error rates rejects equality, once each arm has minSamples requests. */
  maxErrorRateIncrease: number;
}

export type AbDecision =
  | { kind: 'continue'; reason: string }
  | { kind: 'promote'; reason: string }
  | { kind: 'rollback'; reason: string }
  | { kind: 'inconclusive'; reason: string };

export interface ArmSummary {
  successRate: number | null;
  errorRate: number | null;
  p95LatencyS: number | null;
  feedback: number;
  requests: number;
}

export interface AbAnalysis {
  decision: AbDecision;
  control: ArmSummary;
  treatment: ArmSummary;
  /** Treatment success rate minus control's. */
  difference: number | null;
  /** The mixture likelihood ratio Lambda on the success rates (1 when not computable; capped at Number.MAX_VALUE so it survives JSON). */
  likelihoodRatio: number;
  /** Always-valid p-value min(1, 1/Lambda) at this look (the caller keeps the running minimum across looks). */
  pValue: number;
  /** Always-valid (1 - alpha) confidence interval for the difference, from inverting the mSPRT (null when not computable). */
  interval: [number, number] | null;
}

export interface MixtureTest {
  /** Treatment rate minus control rate. */
  difference: number;
  /** ln Lambda for H0: difference = 0. */
  logLikelihoodRatio: number;
  /** The differences theta0 with Lambda(theta0) < 1/alpha. */
  interval: [number, number];
}

/** Normal-approximation mSPRT of equal rates with mixing prior N(0, tau^2); null when an arm has no trials. */
export function mixtureTest(control: { successes: number; trials: number }, treatment: { successes: number; trials: number }, tau: number, alpha: number): MixtureTest | null {
  if (control.trials <= 0 || treatment.trials <= 0) return null;
  const difference = treatment.successes / treatment.trials - control.successes / control.trials;
  const s2 = armVariance(control.successes, control.trials) + armVariance(treatment.successes, treatment.trials);
  const t2 = tau * tau;
  const logLikelihoodRatio = 0.5 * Math.log(s2 / (s2 + t2)) + (t2 * difference * difference) / (2 * s2 * (s2 + t2));
  const halfWidth = Math.sqrt(((s2 * (s2 + t2)) / t2) * (2 * Math.log(1 / alpha) + Math.log((s2 + t2) / s2)));
  return { difference, logLikelihoodRatio, interval: [difference - halfWidth, difference + halfWidth] };
}

/** Variance of one arm's rate; half a success in one extra trial keeps it positive at rates of 0 or 1 (the estimate itself stays raw). */
function armVariance(successes: number, trials: number): number {
  const p = (successes + 0.5) / (trials + 1);
  return (p * (1 - p)) / trials;
}

/** One look at the data. Deterministic. */
export function analyseAbTest(control: ArmTally, treatment: ArmTally, config: SequentialTestConfig): AbAnalysis {
  const { alpha, effectSize } = config;
  if (!(alpha > 0 && alpha < 1)) throw new RangeError(`alpha must lie in (0, 1), got ${alpha}`);
  if (!(effectSize > 0)) throw new RangeError(`effectSize must be positive, got ${effectSize}`);
  const test = mixtureTest(
    { successes: control.resolved, trials: control.feedback },
    { successes: treatment.resolved, trials: treatment.feedback },
    effectSize,
    alpha,
  );
  return {
    decision: decide(control, treatment, config, test),
    control: summarise(control),
    treatment: summarise(treatment),
    difference: test?.difference ?? null,
    likelihoodRatio: test ? Math.min(Math.exp(test.logLikelihoodRatio), Number.MAX_VALUE) : 1,
    pValue: test ? Math.min(1, Math.exp(-test.logLikelihoodRatio)) : 1,
    interval: test?.interval ?? null,
  };
}

function decide(c: ArmTally, t: ArmTally, config: SequentialTestConfig, test: MixtureTest | null): AbDecision {
  const { alpha, minSamples, maxSamples } = config;
  // A breach costs users now, so it may end the experiment before the success rates can say anything.
  const breach = errorBreach(c, t, config) ?? latencyBreach(c, t, config);
  if (breach) return { kind: 'rollback', reason: breach };
  if (c.feedback < minSamples || t.feedback < minSamples || !test) {
    return { kind: 'continue', reason: `waiting for ${minSamples} feedback per arm (treatment ${t.feedback}, control ${c.feedback})` };
  }
  const [low, high] = test.interval;
  const level = Number(((1 - alpha) * 100).toPrecision(6));
  const comparison =
    `treatment resolves ${f3(t.resolved / t.feedback)} vs control ${f3(c.resolved / c.feedback)} ` +
    `(${signed(test.difference)}, always-valid ${level}% CI [${f3(low)}, ${f3(high)}])`;
  const after = `after ${t.feedback}/${c.feedback} feedback`;
  if (test.logLikelihoodRatio >= Math.log(1 / alpha)) {
    const kind = test.difference > 0 ? 'promote' : 'rollback';
    return { kind, reason: `${comparison}; mSPRT rejects equality at alpha ${alpha} ${after}` };
  }
  if (c.feedback >= maxSamples && t.feedback >= maxSamples) {
    return { kind: 'inconclusive', reason: `${comparison}; no significant difference ${after} (cap ${maxSamples} per arm)` };
  }
  return { kind: 'continue', reason: `${comparison}; not significant yet (always-valid p ${f3(Math.min(1, Math.exp(-test.logLikelihoodRatio)))}) ${after}` };
}

function errorBreach(c: ArmTally, t: ArmTally, config: SequentialTestConfig): string | null {
  if (c.requests < config.minSamples || t.requests < config.minSamples) return null;
  const test = mixtureTest({ successes: c.errors, trials: c.requests }, { successes: t.errors, trials: t.requests }, config.effectSize, config.alpha);
  // Both conditions: a tiny but significant increase is tolerated, and so is a large one that may be noise.
  if (!test || test.difference <= config.maxErrorRateIncrease || test.logLikelihoodRatio < Math.log(1 / config.alpha)) return null;
  return (
    `treatment errors on ${f3(t.errors / t.requests)} of requests vs control ${f3(c.errors / c.requests)} ` +
    `(${signed(test.difference)}, limit +${config.maxErrorRateIncrease}); mSPRT significant at alpha ${config.alpha} after ${t.requests}/${c.requests} requests`
  );
}

function latencyBreach(c: ArmTally, t: ArmTally, config: SequentialTestConfig): string | null {
  const answeredC = answered(c);
  const answeredT = answered(t);
  if (answeredC < config.minSamples || answeredT < config.minSamples) return null;
  const p95C = latencyQuantile(c, 0.95);
  const p95T = latencyQuantile(t, 0.95);
  // Bounds are powers of 1.25, so a one-bucket shift is exactly a 1.25 ratio: the slack keeps rounding from calling it a breach.
  const limit = p95C === null ? Infinity : p95C * config.maxLatencyRatio * (1 + 1e-9);
  if (p95T === null || !(p95T > limit)) return null;
  const over = `treatment p95 latency ${seconds(p95T)} vs control ${seconds(p95C!)} exceeds the ${config.maxLatencyRatio}x limit`;
  if (config.latencyGuardrail === 'p95-ratio') return over;
  // Two p95s drawn from the same heavy-tailed latencies often differ by more than the ratio at a few hundred requests,
  // and looking again after every batch would sooner or later catch such a gap. So the breach must also be
  // significant: the share of answered requests in the buckets from the one holding the limit up, at most 5% of the
  // control's (its p95 is below the limit) and over 5% of the treatment's, compared by the same always-valid mSPRT.
  const first = LATENCY_BUCKETS_S.findIndex((bound) => bound > limit);
  const from = first === -1 ? LATENCY_BUCKETS_S.length : first;
  const slow = (x: ArmTally) => x.latency.slice(from).reduce((sum, n) => sum + n, 0);
  const [slowC, slowT] = [slow(c), slow(t)];
  const test = mixtureTest({ successes: slowC, trials: answeredC }, { successes: slowT, trials: answeredT }, config.effectSize, config.alpha);
  if (!test || test.difference <= 0 || test.logLikelihoodRatio < Math.log(1 / config.alpha)) return null;
  return (
    `${over}; ${f3(slowT / answeredT)} of its answers took over ${seconds(from === 0 ? 0 : LATENCY_BUCKETS_S[from - 1])} vs control ${f3(slowC / answeredC)}, ` +
    `mSPRT significant at alpha ${config.alpha} after ${answeredT}/${answeredC} answered requests`
  );
}

function summarise(t: ArmTally): ArmSummary {
  return {
    successRate: t.feedback > 0 ? t.resolved / t.feedback : null,
    errorRate: t.requests > 0 ? t.errors / t.requests : null,
    p95LatencyS: latencyQuantile(t, 0.95),
    feedback: t.feedback,
    requests: t.requests,
  };
}

const f3 = (x: number) => x.toFixed(3);
const signed = (x: number) => (x >= 0 ? `+${f3(x)}` : f3(x));
const seconds = (x: number) => (Number.isFinite(x) ? `${f3(x)} s` : `over ${LATENCY_BUCKETS_S[LATENCY_BUCKETS_S.length - 1].toFixed(1)} s`);
