import { openArtifactStore, type ArtifactStore } from '../../artifacts/store';
import type { ArtifactRef, EvaluationResult, PipelineSpec, VariantsTable } from '../../pipeline/types';
import { pairedChanges, pairedComparisons } from './compare-arms';

export interface CompareVariantsInput {
  spec: PipelineSpec;
  /** The fine-tuned model on the graph the evaluation runs (evaluation.runtime). */
  reference: EvaluationResult;
  /** The same model on its other exported graphs, on the same test examples. */
  variants: EvaluationResult[];
}

/**
 * What a smaller or faster graph of the same model changes: for each variant, the share of test examples it answers
 * exactly as the evaluated graph does, and every metric's paired difference to that graph with its interval and
 * p-value. Quantization is not free (4-bit weights change most greedy answers of a small model); this says by how
 * much before anyone serves a variant. Stored as an artifact, and small enough for the workflow's status.
 */
export async function compareVariants({ spec, reference, variants }: CompareVariantsInput): Promise<VariantsTable> {
  const store = openArtifactStore();
  const referenceAnswers = await answersById(store, reference.predictions);
  const rows: VariantsTable['rows'] = [];
  for (const variant of variants) {
    const answers = await answersById(store, variant.predictions);
    const shared = [...answers.keys()].filter((id) => referenceAnswers.has(id));
    const same = shared.filter((id) => answers.get(id) === referenceAnswers.get(id)).length;
    rows.push({
      runtime: variant.runtime!,
      samples: shared.length,
      sameAnswers: same,
      agreement: shared.length === 0 ? 0 : same / shared.length,
      metrics: variant.metrics,
      intervals: variant.intervals ?? null,
      vsReference: pairedChanges(await pairedComparisons(store, reference.report, variant.report, spec.data.split.seed)),
      report: variant.report,
    });
  }
  const table = { reference: reference.runtime!, rows };
  const report = await store.putJson({ kind: 'tempered.evaluation-variants/v1', pipeline: spec.name, ...table });
  return { ...table, report };
}

/** Each test example's generated answer, by id, from an evaluation's predictions (JSON lines). */
async function answersById(store: ArtifactStore, predictions: ArtifactRef): Promise<Map<string, string>> {
  const answers = new Map<string, string>();
  for (const line of (await store.getBytes(predictions)).toString('utf8').split('\n')) {
    if (line.trim() === '') continue;
    const { id, prediction } = JSON.parse(line) as { id: string; prediction: string };
    answers.set(id, prediction);
  }
  return answers;
}
