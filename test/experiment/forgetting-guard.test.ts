import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { fineTune } from '../../src/activities/experiment/fine-tune';
import { runTrainer } from '../../src/activities/trainer/trainer-process';
import { openArtifactStore, type ArtifactRef } from '../../src/artifacts/store';
import type { TrainingResult } from '../../src/pipeline/types';
import { loadSpecFile } from '../../src/spec/load';
import type { PipelineSpec } from '../../src/spec/schema';
import { tinySpecFile } from '../support/catalogue';
import { fixtures, useTempArtifactStore } from '../support/temporal';

const general = path.join(fixtures, 'forgetting');
const replayFile = path.join(general, 'general-replay.jsonl');
const heldOutFile = path.join(general, 'general-held-out.jsonl');

/** The tiny pipeline with `training.forgetting` set, as a spec file would set it (it is no run-time override). */
function specWith(forgetting: PipelineSpec['training']['forgetting']): PipelineSpec {
  const { spec } = loadSpecFile(tinySpecFile, { 'training.max_steps': 16, 'training.eval_steps': 4, 'training.save_steps': 8 });
  return { ...spec, training: { ...spec.training, learning_rate: 0.02, forgetting } };
}

function writeConversations(file: string, count: number, topic: string): string {
  const lines = Array.from({ length: count }, (_, i) => ({
    id: `${topic}-${i}`,
    messages: [
      { role: 'user', content: `How do I change my ${topic} number ${i}?` },
      { role: 'assistant', content: `Open the ${topic} page and choose change ${i}.` },
    ],
    category: null,
  }));
  fs.writeFileSync(file, lines.map((l) => JSON.stringify(l)).join('\n'));
  return file;
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

describe('the forgetting guard', function () {
  this.timeout(600_000);
  const saved = { ...process.env };
  let workDir: string;
  let storeDir: string;
  let train: ArtifactRef;
  let validation: ArtifactRef;
  let attempt = 0;
  const run = (spec: PipelineSpec): Promise<TrainingResult> =>
    new MockActivityEnvironment({ activityId: `forgetting-${process.pid}-${++attempt}` }).run(fineTune, { spec, train, validation });

  before(async () => {
    storeDir = useTempArtifactStore();
    process.env.TEMPERED_DATA_ROOTS = fixtures;
    workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tempered-forgetting-'));
    const store = openArtifactStore();
    train = await store.putFile(writeConversations(path.join(workDir, 'train.jsonl'), 16, 'billing'));
    validation = await store.putFile(writeConversations(path.join(workDir, 'validation.jsonl'), 4, 'account'));
  });
  after(() => {
    fs.rmSync(workDir, { recursive: true, force: true });
    fs.rmSync(storeDir, { recursive: true, force: true });
    process.env = saved;
  });

  describe('with replay data and a held-out set', () => {
    let result: TrainingResult;

    before(async () => {
      result = await run(specWith({ replay: { path: replayFile, share: 0.2 }, held_out: { path: heldOutFile } }));
    });

    it('mixes in the share of replay examples the spec asks for', () => {
      // 16 task examples; r / (16 + r) = 0.2 gives 4 replay examples.
      assert.equal(result.forgetting?.replayExamples, 4);
    });

    it('reports the held-out loss of the base model and of the delivered model, as evaluation measures them', async () => {
      const { heldOutLossBefore, heldOutLossAfter } = result.forgetting!;
      assert.ok(Number.isFinite(heldOutLossBefore) && Number.isFinite(heldOutLossAfter), `before ${heldOutLossBefore}, after ${heldOutLossAfter}`);
      assert.ok(Math.abs(heldOutLossAfter! - heldOutLossBefore!) > 1e-3, `training moved the held-out loss: ${heldOutLossBefore} -> ${heldOutLossAfter}`);

      const modelDir = path.join(workDir, 'model');
      await openArtifactStore().getDirectory(result.model, modelDir);
      const evaluate = async (adapterDir: string | null) =>
        Number(
          (
            await runTrainer({
              command: 'evaluate',
              workDir,
              config: { base_model: 'tiny:llama', gguf_file: null, adapter_dir: adapterDir, test_file: heldOutFile, max_new_tokens: 1, max_samples: null, max_length: 160, batch_size: 4, predictions_file: path.join(workDir, 'predictions.jsonl'), seed: 42 },
            })
          ).loss,
        );
      assert.ok(Math.abs((await evaluate(null)) - heldOutLossBefore!) < 1e-4, 'before: the base model\'s loss');
      assert.ok(Math.abs((await evaluate(modelDir)) - heldOutLossAfter!) < 1e-4, 'after: the delivered (best) model\'s loss');
    });
  });

  it('reports no forgetting measures when the spec asks for none', async () => {
    const result = await run(specWith({}));
    assert.equal(result.forgetting, null);
  });

  it('refuses a replay file outside the data roots before training', async () => {
    const outside = writeConversations(path.join(workDir, 'outside.jsonl'), 4, 'outside');
    const failure = await failureOf(run(specWith({ replay: { path: outside, share: 0.5 } })));
    assert.equal(failure.type, 'PathNotAllowed');
    assert.equal(failure.nonRetryable, true);
    assert.match(failure.message, /training\.forgetting\.replay\.path: .*outside the spec's directory and the workers' data roots/);
  });

  it('fails on a malformed replay line, naming the file and the line', async () => {
    const failure = await failureOf(run(specWith({ replay: { path: path.join(general, 'malformed-replay.jsonl'), share: 0.5 } })));
    assert.equal(failure.type, 'InvalidData');
    assert.equal(failure.nonRetryable, true);
    assert.match(failure.message, /malformed-replay\.jsonl:3: invalid JSON/);
  });

  it('fails on a missing held-out file, naming the spec path', async () => {
    const failure = await failureOf(run(specWith({ held_out: { path: path.join(general, 'missing.jsonl') } })));
    assert.equal(failure.type, 'InvalidData');
    assert.match(failure.message, /training\.forgetting\.held_out\.path: file not found/);
  });
});
