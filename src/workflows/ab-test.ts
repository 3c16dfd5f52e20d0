import { condition, continueAsNew, patched, proxyActivities, setHandler, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import type { Duration } from '@temporalio/common';
import type * as control from '../activities/control';
import { NON_RETRYABLE_FAILURES } from '../failures';
import type { AbTestInput, AbTestState } from '../pipeline/types';
import { PipelineName, PipelinePhase } from '../pipeline/search-attributes';
import { addTallies, analyseAbTest, emptyTally } from '../rollout/sequential-test';
import { abTestStateQuery } from './messages';
import { workflowNow } from './status';

const { readAbTestWindow, concludeAbTest } = proxyActivities<typeof control>({
  startToCloseTimeout: '5 minutes',
  retry: { maximumAttempts: 10, nonRetryableErrorTypes: NON_RETRYABLE_FAILURES },
});

/** Looks per run before continuing as new: months of hourly looks stay far below the history limits. */
export const LOOKS_PER_RUN = 200;

/**
 * The A/B test of a candidate version against production. Every `check_every` it adds the new feedback of both arms
 * to its tallies and looks: a mixture sequential probability ratio test on the resolved rate, valid however often it
 * looks, promotes the candidate or rolls it back once the evidence is strong enough, guardrails on latency and errors
 * roll it back sooner, and at the sample cap it ends inconclusive. The registry records the decision, and
 * `tempered serve` follows it. An operator's promotion or rollback in the meantime ends the test.
 */
export async function abTestWorkflow(input: AbTestInput): Promise<AbTestState> {
  // Tallies are counted afresh from the feedback log in each run, from the test's start in the registry: the input
  // (a new run's, or whatever a workflow starter passes) carries the look count and the p-value seen, never counts.
  const state: AbTestState = {
    looks: input.state?.looks ?? 0,
    pValue: input.state?.pValue ?? 1,
    analysis: input.state?.analysis ?? null,
    checkedUntil: null,
    control: emptyTally(),
    treatment: emptyTally(),
    outcome: null,
  };
  setHandler(abTestStateQuery, () => state);
  if (!input.state) upsertSearchAttributes([{ key: PipelineName, value: input.pipeline }, { key: PipelinePhase, value: 'ab-test' }]);

  // Tests begun before the latency guardrail became a sequential test keep deciding as they did.
  const sequentialLatency = patched('sequential-latency-guardrail');
  const looksPerRun = input.looksPerRun ?? LOOKS_PER_RUN;
  for (let looks = 0; looks < looksPerRun && !workflowInfo().continueAsNewSuggested; looks++) {
    const to = workflowNow();
    const window = await readAbTestWindow({ pipeline: input.pipeline, control: input.control, treatment: input.treatment, from: state.checkedUntil, to });
    state.looks += 1;
    state.checkedUntil = to;
    if (!window.running) {
      state.outcome = { decision: 'superseded', reason: 'the registry no longer runs this test (an operator promoted or rolled back)', at: to };
      break;
    }
    // The settings are the registry's, from the pipeline file.
    const { config } = window.running;
    state.control = addTallies(state.control, window.control);
    state.treatment = addTallies(state.treatment, window.treatment);
    const analysis = analyseAbTest(state.control, state.treatment, {
      alpha: config.alpha,
      effectSize: config.effect_size,
      minSamples: config.min_samples,
      maxSamples: config.max_samples,
      maxLatencyRatio: config.guardrails.max_latency_ratio,
      maxErrorRateIncrease: config.guardrails.max_error_rate_increase,
      latencyGuardrail: sequentialLatency ? 'sequential' : 'p95-ratio',
    });
    // The always-valid p-value is the smallest over all looks so far.
    state.pValue = Math.min(state.pValue, analysis.pValue);
    state.analysis = analysis;
    if (analysis.decision.kind !== 'continue') {
      const decision = analysis.decision.kind;
      await concludeAbTest({ pipeline: input.pipeline, control: input.control, treatment: input.treatment, decision, reason: analysis.decision.reason, analysis });
      state.outcome = { decision, reason: analysis.decision.reason, at: to };
      break;
    }
    await condition(() => false, config.check_every as Duration);
  }
  if (state.outcome) {
    upsertSearchAttributes([{ key: PipelinePhase, value: `ab-test ${state.outcome.decision}` }]);
    return state;
  }
  return await continueAsNew<typeof abTestWorkflow>({ ...input, state: { looks: state.looks, pValue: state.pValue, analysis: state.analysis } });
}
