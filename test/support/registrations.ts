import type { RegisterInput } from '../../src/activities/deployment/registry';
import type { ArtifactStore } from '../../src/artifacts/store';
import { loadSpecFile } from '../../src/spec/load';

/** A registration of the demo pipeline, with every artifact stored in `store`. */
export async function approvedRun(store: ArtifactStore): Promise<RegisterInput> {
  const ref = (text: string) => store.putBytes(text);
  const evaluation = {
    model: 'fine-tuned' as const,
    samples: 3,
    metrics: { accuracy: 1, token_f1: 1, response_time: 1, consistency: 1, loss: 1, perplexity: Math.E },
    predictions: await ref('predictions'),
    report: await ref('report'),
  };
  return {
    spec: loadSpecFile('customer-support-demo').spec,
    specHash: 'a'.repeat(64),
    data: {
      train: await ref('train'),
      validation: await ref('validation'),
      test: await ref('test'),
      report: await ref('data report'),
      audit: await ref('audit'),
      counts: {
        collected: 3,
        kept: 3,
        redacted: 0,
        train: 1,
        validation: 1,
        test: 1,
        dropped: { low_satisfaction: 0, incomplete: 0, duplicate: 0, near_duplicate: 0, superseded: 0, skipped: 0 },
      },
      scores: { completeness: 1, consistency: 1, accuracy: 1, duplicate_rate: 0, distinct_2: 1, category_balance: 1, largest_cluster_share: 0, contamination: 0 },
      categories: {},
      cached: false,
    },
    training: { model: await ref('adapter v1'), steps: 1, trainLoss: 1, finalLoss: 1, bestEvalLoss: 1, bestStep: 1, earlyStopped: false, resumedFromStep: null, runtimeS: 1 },
    evaluation,
    baseline: { ...evaluation, model: 'base' },
    gate: { passed: true, checks: [], evidence: await ref('evidence') },
    approval: { decision: 'approved', by: 'ana', mode: 'human', at: '2026-01-01T00:00:00.000Z', evidence: await ref('evidence') },
  };
}

export async function withModel(input: RegisterInput, store: ArtifactStore, adapter: string): Promise<RegisterInput> {
  return { ...input, training: { ...input.training, model: await store.putBytes(adapter) } };
}
