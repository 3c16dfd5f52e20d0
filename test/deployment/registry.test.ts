import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readIndex, registerModel, type RegisterInput } from '../../src/activities/deployment/registry';
import { openArtifactStore, type ArtifactStore } from '../../src/artifacts/store';
import { loadSpecFile } from '../../src/spec/load';

describe('model registry', () => {
  let store: ArtifactStore;
  let input: RegisterInput;

  beforeEach(async () => {
    store = openArtifactStore({ kind: 'local', dir: fs.mkdtempSync(path.join(os.tmpdir(), 'registry-')) });
    const ref = (text: string) => store.putBytes(text);
    const evaluation = {
      model: 'fine-tuned' as const,
      samples: 3,
      metrics: { accuracy: 1, token_f1: 1, response_time: 1, consistency: 1, loss: 1, perplexity: Math.E },
      predictions: await ref('predictions'),
      report: await ref('report'),
    };
    input = {
      spec: loadSpecFile('customer-support-demo').spec,
      specHash: 'a'.repeat(64),
      data: {
        train: await ref('train'),
        validation: await ref('validation'),
        test: await ref('test'),
        report: await ref('data report'),
        counts: { collected: 3, kept: 3, train: 1, validation: 1, test: 1, dropped: { low_satisfaction: 0, incomplete: 0, duplicate: 0 } },
        quality: { completeness: 1, duplicate_rate: 0 },
        categories: {},
      },
      training: { model: await ref('adapter v1'), steps: 1, trainLoss: 1, bestEvalLoss: 1, earlyStopped: false, resumedFromStep: null, runtimeS: 1 },
      evaluation,
      baseline: { ...evaluation, model: 'base' },
      gate: { passed: true, checks: [], evidence: await ref('evidence') },
      approval: { decision: 'approved', by: 'ana', mode: 'human', at: '2026-01-01T00:00:00.000Z', evidence: await ref('evidence') },
    };
  });

  it('registers an approved model as the production version, with its lineage', async () => {
    const version = await registerModel(input, store);
    assert.deepEqual([version.version, version.stage], [1, 'production']);
    const entry = await store.getJson<{ lineage: { approval: { by: string }; data: { test: { sha256: string } } } }>(version.entry);
    assert.equal(entry.lineage.approval.by, 'ana');
    assert.equal(entry.lineage.data.test.sha256, input.data.test.sha256);
  });

  it('returns the existing version when the same model is registered again, as a retried activity does', async () => {
    const first = await registerModel(input, store);
    const again = await registerModel(input, store);
    assert.deepEqual(again, first);
    assert.equal((await readIndex(store, input.spec.name)).versions.length, 1);
  });

  it('archives the previous production version when a new model is registered', async () => {
    await registerModel(input, store);
    const second = await registerModel({ ...input, training: { ...input.training, model: await store.putBytes('adapter v2') } }, store);
    assert.equal(second.version, 2);
    const stages = (await readIndex(store, input.spec.name)).versions.map((v) => `v${v.version} ${v.stage}`);
    assert.deepEqual(stages, ['v1 archived', 'v2 production']);
  });
});
