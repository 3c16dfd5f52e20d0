import assert from 'node:assert/strict';
import type { ModelRuntime } from '../../src/inference/runtime';
import { completionId, parseCompletionId, route, userPosition } from '../../src/serving/routing';
import { LoadedModel, type Routing } from '../../src/serving/served-models';

const model = (version: number) => new LoadedModel(version, { modelDir: '-', generate: async () => [], close: async () => {} } as ModelRuntime, { maxTokens: 8, redactForLog: null }, `m${version}`);
const abRouting = (treatmentShare: number, salt = 'abtest-demo-v2'): Routing => ({ kind: 'ab', control: model(1), treatment: model(2), treatmentShare, salt });

describe('A/B routing by a stable hash of the user id', () => {
  it('sends a user to the same arm every time', () => {
    const routing = abRouting(0.5);
    for (let u = 0; u < 200; u++) {
      const arms = new Set(Array.from({ length: 5 }, () => route(routing, `user-${u}`).arm));
      assert.equal(arms.size, 1, `user-${u} stayed on one arm`);
    }
  });

  for (const share of [0.1, 0.5]) {
    it(`gives the treatment its configured share of users (${share}) over 20,000 ids`, () => {
      const routing = abRouting(share);
      const n = 20_000;
      let treated = 0;
      for (let u = 0; u < n; u++) if (route(routing, `customer-${u}@example.com`).arm === 'treatment') treated++;
      // Five binomial standard deviations.
      const tolerance = 5 * Math.sqrt((share * (1 - share)) / n);
      assert.ok(Math.abs(treated / n - share) < tolerance, `treated ${treated / n}, expected ${share} ± ${tolerance.toFixed(4)}`);
    });
  }

  it('splits users afresh for each test, so one test\'s treatment group is not the next one\'s', () => {
    let both = 0;
    const n = 20_000;
    for (let u = 0; u < n; u++) if (userPosition('abtest-demo-v2', `u${u}`) < 0.5 && userPosition('abtest-demo-v3', `u${u}`) < 0.5) both++;
    assert.ok(Math.abs(both / n - 0.25) < 0.02, `independent splits overlap by a quarter, got ${both / n}`);
  });

  it('spreads requests without a user id at the same share', () => {
    const routing = abRouting(0.3);
    let treated = 0;
    for (let i = 0; i < 10_000; i++) if (route(routing, undefined).arm === 'treatment') treated++;
    assert.ok(Math.abs(treated / 10_000 - 0.3) < 0.03);
  });

  it('names the version and arm in the completion id, which feedback is filed by', () => {
    const id = completionId(12, 'treatment');
    assert.deepEqual(parseCompletionId(id), { version: 12, arm: 'treatment' });
    assert.equal(parseCompletionId('chatcmpl-12x-0123'), null);
    assert.equal(parseCompletionId('../../etc/passwd'), null);
  });
});
