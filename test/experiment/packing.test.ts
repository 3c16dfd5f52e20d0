import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { trainerTrainConfig } from '../../src/activities/experiment/trainer-config';
import { runTrainer, type TrainerEvent } from '../../src/activities/trainer/trainer-process';
import { modelCacheDir, projectRoot, pythonBin, trainerDir } from '../../src/config/paths';
import { loadSpecFile } from '../../src/spec/load';
import { tinySpecFile } from '../support/catalogue';

const checkScript = path.join(projectRoot, 'test', 'experiment', 'check_packing.py');
const MAX_LENGTH = 256;

/** Support conversations of very different lengths: the short ones leave most of a padded row empty. */
function writeConversations(file: string, count: number): string {
  const lines = Array.from({ length: count }, (_, i) => ({
    id: `c${i}`,
    messages: [
      { role: 'user', content: `Reset ${'my '.repeat(i % 6)}pw ${i}?` },
      { role: 'assistant', content: `Go to settings${', then security'.repeat(i % 3)}.` },
    ],
  }));
  fs.writeFileSync(file, lines.map((l) => JSON.stringify(l)).join('\n'));
  return file;
}

/** The tiny pipeline's train config, with `trainer` overriding trainer fields; no worker acknowledges checkpoints here. */
function trainConfig(workDir: string, packing: boolean, trainer: Record<string, unknown>): Record<string, unknown> {
  const { spec } = loadSpecFile(tinySpecFile, { 'training.packing': packing, 'training.batch_size': 2, 'data.max_length': MAX_LENGTH });
  const files = { trainFile: path.join(workDir, 'train.jsonl'), validationFile: null, outputDir: path.join(workDir, `output-${packing ? 'packed' : 'padded'}`), resumeFrom: null };
  return { ...trainerTrainConfig(spec, files), checkpoint_acks: false, ...trainer };
}

async function train(workDir: string, config: Record<string, unknown>, signal?: AbortSignal, onEvent?: (e: TrainerEvent) => void): Promise<{ done: TrainerEvent; started: TrainerEvent }> {
  let started: TrainerEvent | undefined;
  const done = await runTrainer({
    command: 'train',
    workDir,
    config,
    signal,
    graceMs: 30_000,
    onEvent: (e) => {
      if (e.event === 'started') started = e;
      onEvent?.(e);
    },
  });
  return { done, started: started! };
}

describe('sequence packing', function () {
  this.timeout(600_000);
  let workDir: string;

  before(() => {
    workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tempered-packing-'));
    writeConversations(path.join(workDir, 'train.jsonl'), 40);
    writeConversations(path.join(workDir, 'validation.jsonl'), 6);
  });
  after(() => fs.rmSync(workDir, { recursive: true, force: true }));

  describe('a packed batch', () => {
    let check: {
      losses: Record<'sdpa' | 'eager', { padded: number; packed: number; positions_running_on: number }>;
      examples: number;
      sequences: number;
      longest_sequence: number;
      tokens: number;
      packed_tokens: number;
      pad_tokens: { padded: number; packed: number };
      loss_tokens: { padded: number; packed: number };
      same_for_same_seed: boolean;
      differs_for_other_seed: boolean;
    };

    before(() => {
      const out = execFileSync(pythonBin, [checkScript, path.join(workDir, 'train.jsonl'), String(MAX_LENGTH), '4', '42'], {
        env: { ...process.env, PYTHONPATH: trainerDir, TEMPERED_MODEL_CACHE: modelCacheDir, HF_HUB_OFFLINE: '1', TRANSFORMERS_OFFLINE: '1' },
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
      });
      check = JSON.parse(out.trim().split('\n').pop()!) as typeof check;
    });

    it('has the loss of the same examples padded one per row, with sdpa and with eager attention', () => {
      for (const implementation of ['sdpa', 'eager'] as const) {
        const { padded, packed, positions_running_on } = check.losses[implementation];
        assert.ok(Math.abs(packed - padded) < 1e-5, `${implementation}: packed ${packed} vs padded ${padded}`);
        // The check can fail: attention across example boundaries moves the loss.
        assert.ok(Math.abs(positions_running_on - padded) > 1e-4, `${implementation}: positions running on across examples gave ${positions_running_on}`);
      }
    });

    it('keeps every example, the same loss tokens, and no sequence longer than max_length', () => {
      assert.equal(check.packed_tokens, check.tokens);
      assert.equal(check.loss_tokens.packed, check.loss_tokens.padded);
      assert.ok(check.longest_sequence <= MAX_LENGTH, `longest sequence ${check.longest_sequence}`);
    });

    it('computes fewer pad tokens in fewer rows', () => {
      assert.ok(check.sequences < check.examples / 2, `${check.sequences} sequences for ${check.examples} examples`);
      assert.ok(check.pad_tokens.packed < check.pad_tokens.padded / 2, `pad tokens: packed ${check.pad_tokens.packed}, padded ${check.pad_tokens.padded}`);
    });

    it('packs the same way for the same seed, and differently for another', () => {
      assert.equal(check.same_for_same_seed, true);
      assert.equal(check.differs_for_other_seed, true);
    });
  });

  it('trains an epoch in fewer steps than without packing, evaluating as usual', async () => {
    const options = { max_steps: null, epochs: 1, validation_file: path.join(workDir, 'validation.jsonl'), eval_steps: 2, save_steps: 100 };
    const padded = await train(workDir, trainConfig(workDir, false, options));
    const packed = await train(workDir, trainConfig(workDir, true, options));
    assert.equal(padded.started.train_sequences, 40);
    assert.equal(packed.started.train_examples, 40);
    assert.ok(Number(packed.started.train_sequences) < 20, `${String(packed.started.train_sequences)} packed sequences`);
    assert.equal(padded.done.steps, 20);
    assert.ok(Number(packed.done.steps) < 10 && packed.done.steps === packed.started.total_steps, `${String(packed.done.steps)} steps with packing`);
    assert.ok(Number.isFinite(packed.done.best_eval_loss), 'the validation split is evaluated');
  });

  it('resumes a packed training exactly where it was stopped', async () => {
    const options = { max_steps: 60, save_steps: 10, eval_steps: 10, seed: 3 };
    const uninterrupted = await train(workDir, { ...trainConfig(workDir, true, options), output_dir: path.join(workDir, 'whole') });

    const outputDir = path.join(workDir, 'stopped');
    const config = { ...trainConfig(workDir, true, options), output_dir: outputDir };
    const controller = new AbortController();
    const stop = new Error('stopped after the first checkpoint');
    await train(workDir, config, controller.signal, (e) => {
      if (e.event === 'checkpoint') controller.abort(stop);
    }).then(
      () => assert.fail('the training ran to its end before it was stopped'),
      (err: unknown) => assert.equal(err, stop),
    );
    const last = Math.max(...fs.readdirSync(outputDir).filter((d) => d.startsWith('checkpoint-')).map((d) => Number(d.slice('checkpoint-'.length))));
    assert.ok(last >= 10 && last < 60, `stopped at step ${last}`);

    const resumed = await train(workDir, { ...config, resume_from_checkpoint: path.join(outputDir, `checkpoint-${last}`) });
    assert.equal(resumed.started.resumed_from_step, last);
    assert.equal(resumed.done.steps, uninterrupted.done.steps);
    assert.ok(Math.abs(Number(resumed.done.final_loss) - Number(uninterrupted.done.final_loss)) < 1e-4, `final loss ${String(resumed.done.final_loss)} vs ${String(uninterrupted.done.final_loss)}`);
    assert.ok(Math.abs(Number(resumed.done.train_loss) - Number(uninterrupted.done.train_loss)) < 1e-4, `mean loss ${String(resumed.done.train_loss)} vs ${String(uninterrupted.done.train_loss)}`);
  });
});
