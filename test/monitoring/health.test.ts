import assert from 'node:assert/strict';
import { checkProductionHealth } from '../../src/activities/monitoring/health';
import { openArtifactStore } from '../../src/artifacts/store';
import { writeFeedbackBatch, type LogEvent } from '../../src/serving/feedback-log';
import { loadSpecFile } from '../../src/spec/load';
import { useTempArtifactStore } from '../support/temporal';

describe('checkProductionHealth', () => {
  before(() => useTempArtifactStore());

  it('reports the mean rating, judges it only against a configured minimum, and counts one outcome per answer', async () => {
    const store = openArtifactStore();
    const now = new Date();
    const events: LogEvent[] = Array.from({ length: 10 }, (_, i): LogEvent[] => [
      { type: 'request', id: `a${i}`, at: now.toISOString(), latency_s: 0.4, error: false, prompt_tokens: 3, completion_tokens: 5 },
      // A user who first said no and then yes: the yes counts, once.
      { type: 'feedback', id: `a${i}`, at: new Date(now.getTime() - 1).toISOString(), resolved: false, rating: 1 },
      { type: 'feedback', id: `a${i}`, at: now.toISOString(), resolved: true, ...(i < 8 ? { rating: 2 } : {}) },
    ]).flat();
    await writeFeedbackBatch(store, { pipeline: 'rated', version: 1, arm: 'production' }, events, now);
    const thresholds = { ...loadSpecFile('customer-support-demo').spec.monitoring.thresholds, min_samples: 5 };
    const to = new Date(now.getTime() + 1000).toISOString();

    const reported = await checkProductionHealth({ pipeline: 'rated', modelVersion: 1, from: null, to, thresholds: { ...thresholds, min_satisfaction: undefined } });
    assert.equal(reported.accuracy, 1);
    assert.equal(reported.satisfaction, 2, 'the mean of the latest ratings, unrated answers left out');
    assert.deepEqual(reported.breaches, []);

    const judged = await checkProductionHealth({ pipeline: 'rated', modelVersion: 1, from: null, to, thresholds: { ...thresholds, min_satisfaction: 3.5 } });
    assert.deepEqual(judged.breaches, ['satisfaction 2.00 < 3.5']);
  });
});
