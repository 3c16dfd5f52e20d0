import assert from 'node:assert/strict';
import fs from 'node:fs';
import { compareVariants } from '../../src/activities/evaluation/compare-variants';
import { openArtifactStore } from '../../src/artifacts/store';
import type { EvaluationResult } from '../../src/pipeline/types';
import { parseSpecText } from '../../src/spec/load';
import { useTempArtifactStore } from '../support/temporal';
import { tinySpecFile } from '../support/catalogue';

/** An evaluation of the fine-tuned model on one graph: its answers and each answer's token F1, stored as evaluations store them. */
async function evaluation(runtime: EvaluationResult['runtime'], answers: [id: string, prediction: string, tokenF1: number][]): Promise<EvaluationResult> {
  const store = openArtifactStore();
  const predictions = await store.putBytes(answers.map(([id, prediction]) => JSON.stringify({ id, category: null, reference: 'r', prediction, latency_s: 0.1, new_tokens: 3 })).join('\n') + '\n');
  const perSample = answers.map(([id, , token_f1]) => ({ id, token_f1, accurate: token_f1 >= 0.5, exact_match: Number(token_f1 === 1), rouge_l: token_f1, chrf: token_f1 }));
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const f1 = answers.map(([, , f]) => f);
  const metrics = { accuracy: mean(f1.map((f) => Number(f >= 0.5))), token_f1: mean(f1), response_time: 0.1, consistency: 1, loss: 1, perplexity: Math.E };
  const report = await store.putJson({ kind: 'tempered.evaluation/v1', model: 'fine-tuned', runtime, perSample });
  return { model: 'fine-tuned', arm: 'fine-tuned', runtime, samples: answers.length, metrics, predictions, report };
}

describe('compareVariants', () => {
  before(() => useTempArtifactStore());

  it('counts the answers a variant leaves unchanged and pairs its scores with the evaluated graph\'s', async () => {
    const spec = parseSpecText(fs.readFileSync(tinySpecFile, 'utf8'), tinySpecFile);
    const reference = await evaluation('onnx', [
      ['a', 'Yes, within 30 days.', 1],
      ['b', 'Two business days.', 1],
      ['c', 'Call support.', 1],
      ['d', 'It ships free.', 1],
    ]);
    const quantized = await evaluation('onnx-quantized', [
      ['a', 'Yes, within 30 days.', 1],
      ['b', 'Two business days.', 1],
      ['c', 'Call our support line.', 0.5],
      ['d', 'No.', 0],
      // Not in the reference's answers: neither counted nor paired.
      ['e', 'Extra.', 0],
    ]);
    const table = await compareVariants({ spec, reference, variants: [quantized] });
    assert.equal(table.reference, 'onnx');
    assert.equal(table.rows.length, 1);
    const [row] = table.rows;
    assert.equal(row!.runtime, 'onnx-quantized');
    assert.deepEqual([row!.samples, row!.sameAnswers, row!.agreement], [4, 2, 0.5]);
    const f1 = row!.vsReference!.token_f1!;
    // Differences 0, 0, -0.5, -1: mean -0.375; flipping signs, 8 of the 16 patterns reach |sum| 1.5 (exact test).
    assert.equal(f1.difference, -0.375);
    assert.equal(f1.pValue, 0.5);
    assert.ok(f1.lower <= -0.375 && f1.upper >= -0.375 && f1.upper <= 0);
    assert.equal(row!.vsReference!.accuracy!.difference, -0.25);
    const stored = await openArtifactStore().getJson<{ kind: string; rows: unknown[] }>(table.report);
    assert.equal(stored.kind, 'tempered.evaluation-variants/v1');
    assert.equal(stored.rows.length, 1);
  });
});
