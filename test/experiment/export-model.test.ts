import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { exportBaseModel, type BaseModelExport } from '../../src/activities/experiment/export-base-model';
import { exportModel, type ExportInput, type ExportLineage } from '../../src/activities/experiment/export-model';
import { runTrainer, type TrainerEvent } from '../../src/activities/trainer/trainer-process';
import { openArtifactStore, type ArtifactRef, type DirectoryManifest } from '../../src/artifacts/store';
import { modelCacheDir, projectRoot, pythonBin, trainerDir } from '../../src/config/paths';
import type { ExportResult, TrainingResult } from '../../src/pipeline/types';
import { loadSpecFile } from '../../src/spec/load';
import type { PipelineSpec } from '../../src/spec/schema';
import { tinySpecFile } from '../support/catalogue';
import { useTempArtifactStore } from '../support/temporal';
import { endlessTrainingConfig } from './endless-training';

const checkScript = path.join(projectRoot, 'test', 'experiment', 'check_export.py');
const SEED = 7;

function exportConfig(workDir: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    base_model: 'tiny:llama',
    gguf_file: null,
    model_dir: path.join(workDir, 'output', 'model'),
    method: 'lora',
    parts: ['merged', 'onnx', 'onnx_quantized'],
    output_dir: path.join(workDir, 'export'),
    seed: 42,
    check_new_tokens: 4,
    liveness_interval_s: 5,
    stall_timeout_s: 60,
    ...overrides,
  };
}

async function failureOf(work: Promise<unknown>): Promise<ApplicationFailure> {
  return work.then(
    () => assert.fail('expected a failure'),
    (err: unknown) => {
      assert.ok(err instanceof ApplicationFailure, `expected an ApplicationFailure, got ${String(err)}`);
      return err;
    },
  );
}

/** Every blob file of a local store, to tell whether a failed activity published anything. */
function storedFiles(dir: string): string[] {
  return fs.existsSync(dir) ? fs.readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => fs.statSync(path.join(dir, f)).isFile()).sort() : [];
}

describe('exporting a trained model', function () {
  this.timeout(300_000);
  const saved = { ...process.env };
  let workDir: string;
  let storeDir: string;
  let spec: PipelineSpec;
  let trainFile: string;

  before(async () => {
    storeDir = useTempArtifactStore();
    workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tempered-export-'));
    spec = loadSpecFile(tinySpecFile).spec;
    // A few steps at a high rate move the adapter well away from zero, so merging it changes the logits.
    const train: Record<string, unknown> = { ...endlessTrainingConfig(workDir), max_steps: 6, learning_rate: 0.01, seed: SEED };
    trainFile = String(train.train_file);
    await runTrainer({ command: 'train', workDir, config: train });
  });
  after(() => {
    fs.rmSync(workDir, { recursive: true, force: true });
    fs.rmSync(storeDir, { recursive: true, force: true });
    process.env = saved;
  });

  describe('the trainer export command', () => {
    let done: TrainerEvent;
    const events: TrainerEvent[] = [];

    before(async () => {
      done = await runTrainer({ command: 'export', workDir, config: exportConfig(workDir), onEvent: (e) => events.push(e) });
    });

    it('writes a merged model whose logits match base + adapter, and an ONNX graph whose logits match the merged model', () => {
      const out = execFileSync(pythonBin, [checkScript, String(SEED), path.join(workDir, 'output', 'model'), path.join(workDir, 'export')], {
        env: { ...process.env, PYTHONPATH: trainerDir, TEMPERED_MODEL_CACHE: modelCacheDir, HF_HUB_OFFLINE: '1' },
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
      });
      const check = JSON.parse(out.trim().split('\n').pop()!) as Record<string, number & string[]>;
      assert.ok(check.merged_vs_base > 1e-3, `the adapter changes the model (max |Δlogit| ${check.merged_vs_base})`);
      assert.ok(check.merged_vs_adapted < 1e-4, `merged vs base + adapter: max |Δlogit| ${check.merged_vs_adapted}`);
      assert.ok(check.onnx_vs_merged < 1e-3 * Math.max(1, check.logit_scale), `ONNX vs merged: max |Δlogit| ${check.onnx_vs_merged}`);
      assert.ok(Number.isFinite(check.quantized_vs_merged), 'the quantized graph gives finite logits');
      assert.ok(check.onnx_inputs.includes('position_ids') && check.onnx_inputs.includes('past_key_values.0.key'), `inputs: ${check.onnx_inputs.join(', ')}`);
      assert.ok(check.onnx_outputs.includes('logits') && check.onnx_outputs.includes('present.0.value'), `outputs: ${check.onnx_outputs.join(', ')}`);
      assert.ok(check.quantized_bytes < check.onnx_bytes, `quantized ${check.quantized_bytes} B, fp32 ${check.onnx_bytes} B`);
    });

    it('puts the tokenizer with its chat template and the generation config next to each ONNX graph', () => {
      for (const folder of ['onnx', 'onnx-quantized']) {
        const dir = path.join(workDir, 'export', folder);
        for (const file of ['model.onnx', 'tokenizer.json', 'generation_config.json', 'config.json']) assert.ok(fs.existsSync(path.join(dir, file)), `${folder}/${file}`);
        const tokenizerConfig = JSON.parse(fs.readFileSync(path.join(dir, 'tokenizer_config.json'), 'utf8')) as { chat_template?: string };
        assert.match(tokenizerConfig.chat_template ?? '', /im_start/);
      }
    });

    it('reports progress, its own checks, sizes, timings and package versions', () => {
      assert.ok(events.filter((e) => e.event === 'progress').length >= 4);
      const parts = done.parts as Record<string, { bytes: number }>;
      assert.deepEqual(Object.keys(parts).sort(), ['merged', 'onnx', 'onnx_quantized']);
      assert.ok(parts.onnx_quantized!.bytes < parts.onnx!.bytes);
      const checks = done.checks as { onnx: { tokens_match_pytorch: boolean; tokens: number[] }; onnx_quantized: { tokens: number[]; matmul_nbits: number } };
      assert.equal(checks.onnx.tokens_match_pytorch, true);
      assert.equal(checks.onnx_quantized.tokens.length, 4);
      assert.ok(checks.onnx_quantized.matmul_nbits > 0);
      assert.ok((done.timings_s as Record<string, number>)['exporting onnx']! > 0);
      assert.match(String((done.versions as Record<string, string>).optimum), /^\d/);
      assert.deepEqual(
        fs.readdirSync(path.join(workDir, 'export')).sort(),
        ['merged', 'onnx', 'onnx-quantized'],
        'no staging folder is left behind',
      );
    });

    it('refuses an unknown part and a missing adapter directory before loading anything', async () => {
      const unknown = await failureOf(runTrainer({ command: 'export', workDir, config: exportConfig(workDir, { parts: ['onnx', 'gguf'] }) }));
      assert.equal(unknown.type, 'InvalidTrainerConfig');
      assert.equal(unknown.nonRetryable, true);
      assert.match(unknown.message, /parts\[1\]: unknown part 'gguf'/);
      // onnx_genai runs the model builder in an environment of its own; without it the config names what to run.
      const genaiPython = process.env.TEMPERED_GENAI_PYTHON;
      process.env.TEMPERED_GENAI_PYTHON = path.join(workDir, 'no-genai-venv', 'bin', 'python');
      try {
        const noBuilder = await failureOf(runTrainer({ command: 'export', workDir, config: exportConfig(workDir, { parts: ['onnx_genai'] }) }));
        assert.equal(noBuilder.type, 'InvalidTrainerConfig');
        assert.match(noBuilder.message, /onnx_genai .*no-genai-venv.*does not exist; run `bash scripts\/bootstrap\.sh`/);
      } finally {
        if (genaiPython === undefined) delete process.env.TEMPERED_GENAI_PYTHON;
        else process.env.TEMPERED_GENAI_PYTHON = genaiPython;
      }
      const missing = await failureOf(runTrainer({ command: 'export', workDir, config: exportConfig(workDir, { model_dir: path.join(workDir, 'nowhere') }) }));
      assert.equal(missing.type, 'InvalidTrainerConfig');
      assert.match(missing.message, /model_dir: directory not found/);
      const partial: Record<string, unknown> = exportConfig(workDir);
      delete partial.check_new_tokens;
      assert.match((await failureOf(runTrainer({ command: 'export', workDir, config: partial }))).message, /check_new_tokens: required/);
    });
  });

  describe('the exportModel activity', () => {
    let input: ExportInput;

    before(async () => {
      const store = openArtifactStore();
      const training: TrainingResult = {
        model: await store.putDirectory(path.join(workDir, 'output', 'model')),
        steps: 6,
        trainLoss: 5,
        finalLoss: 5,
        bestEvalLoss: null,
        bestStep: null,
        earlyStopped: false,
        resumedFromStep: null,
        runtimeS: 1,
      };
      const split = await store.putFile(trainFile);
      const test = await store.putBytes('{"id":"t1","messages":[{"role":"user","content":"Hi"},{"role":"assistant","content":"Hello"}]}\n');
      input = { spec, specHash: 'f'.repeat(64), data: { train: split, validation: await store.putBytes(''), test }, training };
    });

    it('uploads each part as a directory artifact, and a lineage that names the base model, the datasets and the code', async () => {
      const env = new MockActivityEnvironment();
      const heartbeats: unknown[] = [];
      env.on('heartbeat', (details: unknown) => heartbeats.push(details));
      const result: ExportResult = await env.run(exportModel, input);
      const store = openArtifactStore();

      assert.deepEqual(result.adapter, input.training.model, 'the adapter is the training result itself');
      const files = async (ref: ArtifactRef | null) => new Map((await store.getJson<DirectoryManifest>(ref!)).files.map((f) => [f.path, f.size]));
      const merged = await files(result.merged);
      assert.ok(merged.has('model.safetensors') && merged.has('tokenizer_config.json'), [...merged.keys()].join(', '));
      const onnx = await files(result.onnx);
      const quantized = await files(result.onnxQuantized);
      for (const name of ['model.onnx', 'tokenizer.json', 'tokenizer_config.json', 'generation_config.json']) assert.ok(onnx.has(name) && quantized.has(name), name);
      assert.ok(quantized.get('model.onnx')! < onnx.get('model.onnx')!);

      const lineage = await store.getJson<ExportLineage>(result.lineage);
      assert.equal(lineage.kind, 'tempered.export-lineage/v1');
      assert.deepEqual(lineage.baseModel, { id: 'tiny:llama', ggufFile: null });
      assert.equal(lineage.datasets.train.sha256, input.data.train.sha256);
      assert.equal(lineage.datasets.test.sha256, input.data.test.sha256);
      assert.equal(lineage.spec.experiment.base_model, 'tiny:llama');
      assert.equal(lineage.specHash, input.specHash);
      assert.equal(lineage.training.trainerRecord?.config?.seed, SEED);
      assert.match(lineage.code.version, /^\d+\.\d+\.\d+/);
      assert.match(lineage.trainerPackages?.torch ?? '', /^\d/);
      assert.deepEqual(lineage.parts.onnx?.ref, result.onnx);
      assert.deepEqual(lineage.parts.onnxQuantized?.quantization, { bits: 4, block_size: 32, symmetric: true, accuracy_level: 4 });
      assert.ok(heartbeats.some((h) => (h as { phase?: string }).phase === 'exporting onnx'), `heartbeats: ${JSON.stringify(heartbeats)}`);
    });

    it('exports only the parts the spec asks for', async () => {
      const only = { ...input, spec: { ...spec, export: { merged: false, onnx: true, onnx_quantized: false, onnx_genai: false } } };
      const result: ExportResult = await new MockActivityEnvironment().run(exportModel, only);
      assert.equal(result.merged, null);
      assert.equal(result.onnxQuantized, null);
      assert.ok(result.onnx);
    });

    it('fails without retry, publishing nothing, when the model is not the adapter the spec says', async () => {
      const store = openArtifactStore();
      const notAnAdapter = fs.mkdtempSync(path.join(workDir, 'not-an-adapter-'));
      fs.writeFileSync(path.join(notAnAdapter, 'README.md'), 'no weights here\n');
      const bad = { ...input, training: { ...input.training, model: await store.putDirectory(notAnAdapter) } };
      const before = storedFiles(storeDir);
      const failure = await failureOf(new MockActivityEnvironment().run(exportModel, bad));
      assert.equal(failure.type, 'InvalidTrainerConfig');
      assert.equal(failure.nonRetryable, true);
      assert.match(failure.message, /model_dir: method lora expects a LoRA adapter directory/);
      assert.deepEqual(storedFiles(storeDir), before, 'nothing was uploaded');
    });

    it('fails without retry on an export section that names an unknown part', async () => {
      const bad = { ...input, spec: { ...spec, export: { ...spec.export, gguf: true } } as PipelineSpec };
      const failure = await failureOf(new MockActivityEnvironment().run(exportModel, bad));
      assert.equal(failure.type, 'InvalidPipelineSpec');
      assert.equal(failure.nonRetryable, true);
      assert.match(failure.message, /export.*gguf/);
    });
  });

  describe('the exportBaseModel activity', () => {
    it('exports the base model once per base model, seed and graph, and finds that export again', async () => {
      const store = openArtifactStore();
      const first: BaseModelExport = await new MockActivityEnvironment().run(exportBaseModel, { spec });
      assert.deepEqual([first.runtime, first.cached], ['onnx', false]);
      const files = (await store.getJson<DirectoryManifest>(first.graph)).files.map((f) => f.path);
      for (const name of ['model.onnx', 'tokenizer.json', 'tokenizer_config.json', 'generation_config.json']) assert.ok(files.includes(name), name);

      const again: BaseModelExport = await new MockActivityEnvironment().run(exportBaseModel, { spec });
      assert.deepEqual([again.cached, again.graph], [true, first.graph]);
      // A tiny model's weights come from the seed: another seed is another base model.
      const reseeded = { ...spec, data: { ...spec.data, split: { ...spec.data.split, seed: spec.data.split.seed + 1 } } };
      const other: BaseModelExport = await new MockActivityEnvironment().run(exportBaseModel, { spec: reseeded });
      assert.equal(other.cached, false);
      assert.notEqual(other.graph.sha256, first.graph.sha256);
      const quantized: BaseModelExport = await new MockActivityEnvironment().run(exportBaseModel, { spec: { ...spec, evaluation: { ...spec.evaluation, runtime: 'onnx-quantized' as const } } });
      assert.deepEqual([quantized.runtime, quantized.cached], ['onnx-quantized', false]);
      assert.ok(quantized.graph.size > 0 && quantized.graph.sha256 !== first.graph.sha256);
    });

    it('exports again when the stored export is gone', async () => {
      const store = openArtifactStore();
      const known: BaseModelExport = await new MockActivityEnvironment().run(exportBaseModel, { spec });
      const manifest = await store.getJson<DirectoryManifest>(known.graph);
      // A store pruned by hand: the name is still there, the graph's blobs are not.
      for (const file of storedFiles(storeDir)) if (file.endsWith(known.graph.sha256)) fs.rmSync(path.join(storeDir, file));
      assert.ok(manifest.files.length > 0);
      const redone: BaseModelExport = await new MockActivityEnvironment().run(exportBaseModel, { spec });
      assert.equal(redone.cached, false);
      assert.deepEqual(redone.graph, known.graph, 'the same base model exports to the same bytes');
    });
  });
});
