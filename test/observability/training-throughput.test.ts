import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MockActivityEnvironment } from '@temporalio/testing';
import { fineTune, type TrainingProgress } from '../../src/activities/experiment/fine-tune';
import { openArtifactStore } from '../../src/artifacts/store';
import type { TrainingResult } from '../../src/pipeline/types';
import { WorkerMetrics } from '../../src/observability/metrics';
import { trainingsReporting, trainingTokensPerSecond } from '../../src/observability/training-throughput';
import { loadSpecFile } from '../../src/spec/load';
import { tinySpecFile } from '../support/catalogue';
import { useTempArtifactStore } from '../support/temporal';
import { parseExposition, valueOf } from './prometheus-text';

function conversations(file: string, count: number): string {
  const lines = Array.from({ length: count }, (_, i) => ({
    id: `c-${i}`,
    messages: [
      { role: 'user', content: `Where is my order number ${i}?` },
      { role: 'assistant', content: `Order ${i} left the warehouse today and arrives within three days.` },
    ],
    category: null,
  }));
  fs.writeFileSync(file, lines.map((l) => JSON.stringify(l)).join('\n'));
  return file;
}

describe('training throughput', function () {
  this.timeout(600_000);
  const saved = { ...process.env };
  let workDir: string;
  let storeDir: string;
  after(() => {
    fs.rmSync(workDir, { recursive: true, force: true });
    fs.rmSync(storeDir, { recursive: true, force: true });
    process.env = saved;
  });

  it('goes from the trainer\'s step events into the heartbeat and the gpu worker\'s gauge while the training runs', async () => {
    storeDir = useTempArtifactStore();
    workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tempered-throughput-'));
    const store = openArtifactStore();
    const train = await store.putFile(conversations(path.join(workDir, 'train.jsonl'), 24));
    const validation = await store.putFile(conversations(path.join(workDir, 'validation.jsonl'), 4));
    const { spec } = loadSpecFile(tinySpecFile, { 'training.max_steps': 8, 'training.eval_steps': 4, 'training.save_steps': 8 });
    const metrics = new WorkerMetrics({ processMetrics: false });
    metrics.countGpuSlots(1);

    const seen: { heartbeat: number; processTotal: number; trainings: number }[] = [];
    const env = new MockActivityEnvironment({ activityId: `throughput-${process.pid}` });
    env.on('heartbeat', (details: TrainingProgress) => {
      if (typeof details.tokensPerS === 'number') seen.push({ heartbeat: details.tokensPerS, processTotal: trainingTokensPerSecond(), trainings: trainingsReporting() });
    });
    const result: TrainingResult = await env.run(fineTune, { spec, train, validation });

    assert.equal(result.steps, 8);
    assert.ok(seen.length >= 4, `${seen.length} heartbeats with a throughput over 8 steps`);
    for (const s of seen) {
      assert.ok(s.heartbeat > 0, 'the trainer measured tokens per second');
      assert.deepEqual([s.processTotal, s.trainings], [s.heartbeat, 1], 'the one running training is the process\'s throughput');
    }
    const scraped = valueOf(parseExposition(await metrics.registry.metrics()), 'tempered_training_tokens_per_second');
    assert.equal(scraped, 0, 'an ended training no longer counts');
  });
});
