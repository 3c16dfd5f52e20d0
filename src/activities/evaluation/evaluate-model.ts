import fs from 'node:fs';
import path from 'node:path';
import { Context } from '@temporalio/activity';
import { openArtifactStore } from '../../artifacts/store';
import type { ArtifactRef, EvaluationArm, EvaluationResult, PipelineSpec } from '../../pipeline/types';
import type { OnnxRuntimeName } from '../../pipeline/runtimes';
import { baseModelConfig } from '../trainer/model-source';
import { withPeriodicHeartbeat } from '../trainer/periodic-heartbeat';
import { runTrainer } from '../trainer/trainer-process';
import { activityWorkDir } from '../trainer/work-dir';
import { checkFormat, labelAccuracy, scoreAnswer } from '../../evaluation/metrics';
import { meanInterval, percentileInterval, type Interval } from '../../evaluation/statistics';
import { followsStyle, mean, percentile } from './metrics';
import { predictOnOnnx } from './onnx-predictions';
import { writeWithRetrievedContext } from './retrieval-context';

export interface EvaluateInput {
  spec: PipelineSpec;
  test: ArtifactRef;
  model: EvaluationResult['model'];
  /** The fine-tuned adapter or model, for the PyTorch runtime; absent for the base model. */
  adapter?: ArtifactRef;
  /** The model's ONNX export (a folder artifact): answers and loss come from onnxruntime-node. Absent: PyTorch. */
  graph?: ArtifactRef;
  /** Which export `graph` is, when it is not evaluation.runtime's (a variant compared with it). */
  runtime?: OnnxRuntimeName;
  /** Cap on the examples answered, instead of evaluation.max_samples (the out-of-domain set has its own). */
  maxSamples?: number;
  /** Retrieval arms (RAG, hybrid): the training split to retrieve answers from, and how many go in the prompt. */
  retrieval?: { train: ArtifactRef; k: number };
}

interface Prediction {
  id: string;
  category: string | null;
  reference: string;
  prediction: string;
  latency_s: number;
  new_tokens: number;
}

/**
 * Generates an answer for every test example (up to the spec's cap) and scores it against the reference:
 * accuracy (share of answers with token F1 at or above the bar), mean token F1, exact match, ROUGE-L and chrF,
 * p95 response time, style consistency, each with its 95% interval, and the test loss.
 */
export async function evaluateModel({ spec, test, model, adapter, graph, runtime: variant, maxSamples: cap, retrieval }: EvaluateInput): Promise<EvaluationResult> {
  const ctx = Context.current();
  const arm = armOf(model, retrieval !== undefined);
  const workDir = activityWorkDir(`evaluate-${arm}`);
  const store = openArtifactStore();
  let testFile = path.join(workDir, 'test.jsonl');
  await store.getFile(test, testFile);
  if (retrieval) {
    const trainFile = path.join(workDir, 'train.jsonl');
    await store.getFile(retrieval.train, trainFile);
    const augmented = path.join(workDir, 'test-with-context.jsonl');
    await writeWithRetrievedContext(trainFile, testFile, augmented, retrieval.k);
    testFile = augmented;
  }
  const maxSamples = cap ?? spec.evaluation.max_samples ?? null;
  const maxLength = retrieval ? Math.max(spec.data.max_length, spec.evaluation.retrieval.max_length) : spec.data.max_length;
  const predictionsFile = path.join(workDir, 'predictions.jsonl');
  let progress: { done: number; total: number } | undefined;
  const onProgress = (done: number, total: number) => {
    progress = { done, total };
    ctx.heartbeat(progress);
  };
  const loss = await withPeriodicHeartbeat(
    () => progress,
    async () => {
      if (graph) {
        const modelDir = path.join(workDir, 'model');
        await store.getDirectory(graph, modelDir);
        const maxNewTokens = spec.evaluation.max_new_tokens;
        return (await predictOnOnnx({ modelDir, testFile, predictionsFile, maxSamples, maxNewTokens, maxLength, signal: ctx.cancellationSignal, onProgress })).loss;
      }
      let adapterDir: string | null = null;
      if (adapter) {
        adapterDir = path.join(workDir, 'model');
        await store.getDirectory(adapter, adapterDir);
      }
      const done = await runTrainer({
        command: 'evaluate',
        workDir,
        signal: ctx.cancellationSignal,
        config: {
          ...baseModelConfig(spec),
          adapter_dir: adapterDir,
          test_file: testFile,
          max_new_tokens: spec.evaluation.max_new_tokens,
          max_samples: maxSamples,
          max_length: maxLength,
          predictions_file: predictionsFile,
          seed: spec.data.split.seed,
        },
        onEvent: (event) => {
          if (event.event === 'progress') onProgress(Number(event.done), Number(event.total));
        },
      });
      return Number(done.loss);
    },
  );

  const predictions = fs
    .readFileSync(predictionsFile, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Prediction);
  const scored = scorePredictions(predictions, spec.evaluation, spec.data.split.seed);
  const metrics: EvaluationResult['metrics'] = { ...scored.metrics, loss, perplexity: Math.exp(loss) };
  const predictionsRef = await store.putFile(predictionsFile, { mediaType: 'application/x-ndjson' });
  const { intervals } = scored;
  const runtime = graph ? (variant ?? spec.evaluation.runtime) : 'pytorch';
  const report = await store.putJson({ kind: 'tempered.evaluation/v1', model, arm, runtime, samples: predictions.length, metrics, intervals, perSample: scored.perSample });
  fs.rmSync(workDir, { recursive: true, force: true });
  return { model, arm, runtime, samples: predictions.length, metrics, intervals, predictions: predictionsRef, report };
}

/** The guide's four approaches: the base or the fine-tuned model, each without or with retrieval. */
export function armOf(model: EvaluationResult['model'], retrieval: boolean): EvaluationArm {
  if (model === 'base') return retrieval ? 'rag' : 'base';
  return retrieval ? 'hybrid' : 'fine-tuned';
}

/**
 * Every answer's scores, the metrics over all answers, and each metric's 95% interval: a percentile bootstrap
 * over the answers, seeded, so a rerun of the same predictions gives the same intervals.
 */
export function scorePredictions(predictions: Prediction[], evaluation: PipelineSpec['evaluation'], seed = 42) {
  if (predictions.length === 0) throw new Error('no predictions to score: the test split is empty');
  const { labels, min_token_f1: minTokenF1 } = evaluation.accuracy;
  const perSample = predictions.map((p) => {
    const scores = scoreAnswer(p.prediction, p.reference);
    const style = followsStyle(p.prediction, evaluation.consistency);
    const format = evaluation.format ? checkFormat(p.prediction, evaluation.format) : null;
    return {
      id: p.id,
      ...scores,
      accurate: labels ? labelAccuracy(p.prediction, p.reference, labels) === 1 : scores.token_f1 >= minTokenF1,
      style_ok: style.ok,
      style_issue: style.reason ?? null,
      ...(format ? { format_ok: format.ok, format_issue: format.reason ?? null } : {}),
      latency_s: p.latency_s,
    };
  });
  const column = (pick: (s: (typeof perSample)[number]) => number | boolean) => perSample.map((s) => Number(pick(s)));
  const latencies = column((s) => s.latency_s);
  const means = {
    accuracy: column((s) => s.accurate),
    token_f1: column((s) => s.token_f1),
    exact_match: column((s) => s.exact_match),
    rouge_l: column((s) => s.rouge_l),
    chrf: column((s) => s.chrf),
    consistency: column((s) => s.style_ok),
    ...(evaluation.format ? { format_validity: column((s) => s.format_ok ?? false) } : {}),
  };
  const intervals: Record<string, Interval> = { response_time: percentileInterval(latencies, 0.95, { seed }) };
  for (const [name, values] of Object.entries(means)) intervals[name] = meanInterval(values, { seed });
  return {
    perSample,
    metrics: {
      accuracy: mean(means.accuracy),
      token_f1: mean(means.token_f1),
      exact_match: mean(means.exact_match),
      rouge_l: mean(means.rouge_l),
      chrf: mean(means.chrf),
      response_time: percentile(latencies, 0.95),
      consistency: mean(means.consistency),
      ...(means.format_validity ? { format_validity: mean(means.format_validity) } : {}),
    },
    intervals: Object.fromEntries(Object.entries(intervals).map(([name, i]) => [name, { lower: i.lower, upper: i.upper, level: i.level }])),
  };
}
