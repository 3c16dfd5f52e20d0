import { openArtifactStore } from '../../artifacts/store';
import type { AbTestDecision } from '../../pipeline/types';
import { promoteIn, readIndex, retireIn, updateIndex } from '../../registry/model-registry';
import { emptyTally, latencyBucket, type AbAnalysis, type ArmTally } from '../../rollout/sequential-test';
import { readFeedbackWindow, type Arm } from '../../serving/feedback-log';

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
  /** False once the registry no longer runs this test. */
  running: boolean;
}

/** Both arms' outcomes in the feedback written in `(from, to]`, as tallies the workflow adds up. */
export async function readAbTestWindow(input: AbTestWindowInput): Promise<AbTestWindow> {
  const store = openArtifactStore();
  const index = await readIndex(store, input.pipeline);
  const running = index.abTest?.control === input.control && index.abTest.treatment === input.treatment;
  const tally = async (version: number, arm: Arm): Promise<ArmTally> => {
    const { requests, feedback } = await readFeedbackWindow(store, input.pipeline, version, { from: input.from, to: input.to, arms: [arm] });
    const t = emptyTally();
    for (const r of requests) {
      t.requests += 1;
      if (r.error) t.errors += 1;
      else t.latency[latencyBucket(r.latency_s)]! += 1;
    }
    for (const f of feedback) {
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
