import { openArtifactStore } from '../../artifacts/store';
import type { AbTestConfig, AbTestDecision } from '../../pipeline/types';
import { promoteIn, readIndex, retireIn, updateIndex } from '../../registry/model-registry';
import { emptyTally, latencyBucket, type AbAnalysis, type ArmTally } from '../../rollout/sequential-test';
import { outcomesPerAnswer, readFeedbackWindow, type Arm } from '../../serving/feedback-log';

export interface AbTestWindowInput {
  pipeline: string;
  control: number;
  treatment: number;
  from: string | null;
  to: string;
}

export interface AbTestWindow {
  control: ArmTally;
  treatment: ArmTally;
  /** The registry's test of these versions, with the settings it decides by; null once the registry no longer runs it. */
  running: { config: AbTestConfig } | null;
}

/** Both arms' outcomes in the feedback written in `(from, to]` (`from` null: since the test started), as tallies the workflow adds up. */
export async function readAbTestWindow(input: AbTestWindowInput): Promise<AbTestWindow> {
  const store = openArtifactStore();
  const index = await readIndex(store, input.pipeline);
  const test = index.abTest;
  const running = test?.control === input.control && test.treatment === input.treatment ? { config: test.config } : null;
  // From the test's start: a version's earlier tests left feedback under the same arm.
  const from = input.from ?? test?.startedAt ?? null;
  const tally = async (version: number, arm: Arm): Promise<ArmTally> => {
    const { requests, feedback } = await readFeedbackWindow(store, input.pipeline, version, { from, to: input.to, arms: [arm] });
    const t = emptyTally();
    for (const r of requests) {
      t.requests += 1;
      if (r.error) t.errors += 1;
      else if (!r.cancelled) t.latency[latencyBucket(r.latency_s)]! += 1;
    }
    // One vote per answer this arm gave since the test started: made-up ids and repeated posts sway nothing.
    const served = new Set(requests.flatMap((r) => (r.error || r.cancelled ? [] : [r.id])));
    for (const f of outcomesPerAnswer(feedback, served)) {
      t.feedback += 1;
      if (f.resolved) t.resolved += 1;
    }
    return t;
  };
  return { control: await tally(input.control, 'control'), treatment: await tally(input.treatment, 'treatment'), running };
}

export interface ConcludeInput {
  pipeline: string;
  control: number;
  treatment: number;
  decision: AbTestDecision;
  reason: string;
  analysis: AbAnalysis;
}

/**
 * Records the test's decision in the registry: promote makes the candidate production (archiving the control),
 * rollback archives it, inconclusive returns it to candidate for an operator. The analysis is stored with the decision.
 * Idempotent: a retry finds the decision already taken.
 */
export async function concludeAbTest(input: ConcludeInput): Promise<void> {
  const store = openArtifactStore();
  const report = await store.putJson({ kind: 'tempered.ab-test/v1', ...input });
  await updateIndex(store, input.pipeline, (index) => {
    if (index.abTest?.treatment !== input.treatment || index.abTest.control !== input.control) return;
    const actor = { by: 'ab-test', reason: `${input.reason} (analysis ${report.sha256.slice(0, 12)})` };
    if (input.decision === 'promote') promoteIn(index, input.treatment, actor);
    else retireIn(index, input.treatment, input.decision === 'rollback' ? 'archived' : 'candidate', actor);
  });
}
