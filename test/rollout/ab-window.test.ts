import assert from 'node:assert/strict';
import { registerModel } from '../../src/activities/deployment/registry';
import { readAbTestWindow } from '../../src/activities/rollout/ab-test';
import { openArtifactStore } from '../../src/artifacts/store';
import { writeFeedbackBatch, type LogEvent } from '../../src/serving/feedback-log';
import { completionId } from '../../src/serving/routing';
import { approvedRun, withModel } from '../support/registrations';
import { useTempArtifactStore } from '../support/temporal';

describe('readAbTestWindow', () => {
  before(() => useTempArtifactStore());

  it('counts one outcome per answer the arm gave: made-up ids, failed answers and repeated posts sway nothing', async () => {
    const store = openArtifactStore();
    const run = await approvedRun(store);
    await registerModel(run, store);
    const candidate = await registerModel({ ...(await withModel(run, store, 'adapter v2')), rollout: 'ab-test' }, store);
    assert.ok(candidate.abTest, 'the candidate is in a test against production');
    const pipeline = run.spec.name;
    const at = () => new Date().toISOString();

    const answers = (version: number, arm: 'control' | 'treatment', resolved: number): LogEvent[] =>
      Array.from({ length: 10 }, (_, i): LogEvent[] => {
        const id = completionId(version, arm);
        return [
          { type: 'request', id, at: at(), latency_s: 0.5, error: false, prompt_tokens: 4, completion_tokens: 6 },
          { type: 'feedback', id, at: at(), resolved: i < resolved },
        ];
      }).flat();
    const control = answers(1, 'control', 5);
    const treatment = answers(2, 'treatment', 5);
    const oneServed = treatment.find((e) => e.type === 'feedback' && e.resolved)!.id;
    const failed = completionId(2, 'treatment');
    const forged: LogEvent[] = [
      ...Array.from({ length: 50 }, (): LogEvent => ({ type: 'feedback', id: completionId(2, 'treatment'), at: at(), resolved: true })),
      ...Array.from({ length: 20 }, (): LogEvent => ({ type: 'feedback', id: oneServed, at: at(), resolved: true })),
      { type: 'request', id: failed, at: at(), latency_s: 9, error: true, prompt_tokens: 4, completion_tokens: 0 },
      { type: 'feedback', id: failed, at: at(), resolved: true },
    ];
    await writeFeedbackBatch(store, { pipeline, version: 1, arm: 'control' }, control);
    await writeFeedbackBatch(store, { pipeline, version: 2, arm: 'treatment' }, treatment);
    await writeFeedbackBatch(store, { pipeline, version: 2, arm: 'treatment' }, forged);

    const window = await readAbTestWindow({ pipeline, control: 1, treatment: 2, from: null, to: new Date(Date.now() + 1000).toISOString() });
    assert.ok(window.running, 'the registry runs this test');
    assert.deepEqual([window.control.feedback, window.control.resolved], [10, 5]);
    assert.deepEqual([window.treatment.feedback, window.treatment.resolved], [10, 5], 'the 72 extra posts count for nothing');
    assert.deepEqual([window.treatment.requests, window.treatment.errors], [11, 1], 'the failed answer counts against the error guardrail');
  });
});
