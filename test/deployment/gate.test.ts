import assert from 'node:assert/strict';
import { applyGate, gateChecks } from '../../src/activities/deployment/gate';
import { openArtifactStore } from '../../src/artifacts/store';
import type { EvaluationResult, PipelineSpec } from '../../src/pipeline/types';
import { loadSpecFile } from '../../src/spec/load';
import { useTempArtifactStore } from '../support/temporal';

const metrics = (o: Partial<Record<'accuracy' | 'token_f1' | 'response_time' | 'consistency' | 'format_validity', number>>) => ({
  accuracy: 0,
  token_f1: 0,
  response_time: 1,
  consistency: 1,
  loss: 1,
  perplexity: Math.E,
  ...o,
});

describe('deployment gate', () => {
  const spec = loadSpecFile('customer-support').spec; // accuracy >= 0.9, response_time <= 3, consistency >= 0.95

  it('passes a model that meets every success metric and beats the base model', () => {
    const checks = gateChecks(spec, metrics({ token_f1: 0.3 }), metrics({ accuracy: 0.92, token_f1: 0.7, response_time: 2.1, consistency: 0.97 }));
    assert.ok(checks.every((c) => c.passed));
    assert.deepEqual(
      checks.map((c) => c.metric),
      ['accuracy', 'response_time', 'consistency', 'token_f1_gain_over_baseline'],
    );
  });

  it('fails on each missed metric, with the value and the threshold as evidence', () => {
    const checks = gateChecks(spec, metrics({ token_f1: 0.7 }), metrics({ accuracy: 0.89, token_f1: 0.6, response_time: 3.5, consistency: 0.95 }));
    assert.deepEqual(
      checks.filter((c) => !c.passed).map((c) => `${c.metric} ${c.value} ${c.op} ${c.threshold}`),
      ['accuracy 0.89 >= 0.9', 'response_time 3.5 <= 3', 'token_f1_gain_over_baseline -0.09999999999999998 > 0'],
    );
  });

  it('holds format validity to its threshold, and fails it when the evaluation did not measure it', () => {
    const withFormat = { ...spec, requirements: { ...spec.requirements, success_metrics: { format_validity: { op: '>=' as const, value: 0.9 } } } };
    const check = (tuned: ReturnType<typeof metrics>) => gateChecks(withFormat, metrics({ token_f1: 0.1 }), tuned).find((c) => c.metric === 'format_validity')!;
    assert.equal(check(metrics({ token_f1: 0.5, format_validity: 0.95 })).passed, true);
    assert.equal(check(metrics({ token_f1: 0.5, format_validity: 0.8 })).passed, false);
    assert.equal(check(metrics({ token_f1: 0.5 })).passed, false);
  });

  const withGate = (gate: Partial<PipelineSpec['deployment']['gate']>): PipelineSpec => ({ ...spec, deployment: { ...spec.deployment, gate: { ...spec.deployment.gate, ...gate } } });
  const level = 0.95;

  it('compares on the worst end of the interval when the spec says so, and on the point otherwise', () => {
    const tuned = metrics({ accuracy: 0.92, token_f1: 0.7, response_time: 2.1, consistency: 0.97 });
    const intervals = {
      accuracy: { lower: 0.85, upper: 0.97, level },
      response_time: { lower: 1.8, upper: 3.4, level },
      consistency: { lower: 0.96, upper: 0.99, level },
    };
    const point = gateChecks(withGate({ compare_on: 'point' }), metrics({ token_f1: 0.3 }), tuned, intervals);
    assert.ok(point.every((c) => c.passed));
    const strict = gateChecks(withGate({ compare_on: 'interval' }), metrics({ token_f1: 0.3 }), tuned, intervals);
    assert.deepEqual(
      strict.filter((c) => !c.passed).map((c) => `${c.metric} ${c.compared} ${c.op} ${c.threshold}`),
      ['accuracy 0.85 >= 0.9', 'response_time 3.4 <= 3'],
      'the lower end of accuracy, the upper end of the response time',
    );
    assert.deepEqual(strict[0]!.interval, intervals.accuracy);
    assert.equal(strict[0]!.mode, 'interval');
    assert.throws(() => gateChecks(withGate({ compare_on: 'interval' }), metrics({}), tuned), /measured no interval for accuracy/);
  });

  describe('significantly better than the base model', () => {
    before(() => useTempArtifactStore());

    /** An evaluation whose report holds per-answer token F1 scores, as evaluateModel stores it. */
    async function evaluation(model: EvaluationResult['model'], f1: number[]): Promise<EvaluationResult> {
      const store = openArtifactStore();
      const perSample = f1.map((token_f1, i) => ({ id: `q${i}`, token_f1, accurate: token_f1 >= 0.5 }));
      const m = metrics({ accuracy: 0.95, token_f1: f1.reduce((a, b) => a + b, 0) / f1.length, response_time: 1, consistency: 1 });
      const report = await store.putJson({ kind: 'tempered.evaluation/v1', model, perSample });
      return { model, samples: f1.length, metrics: m, predictions: report, report };
    }

    it('passes on a clear paired improvement and fails on none, with the p-value as evidence', async () => {
      const base = Array.from({ length: 30 }, (_, i) => 0.2 + (i % 7) / 20);
      const gate = withGate({ require_significant_improvement: true, alpha: 0.05 });
      const better = await applyGate({ spec: gate, baseline: await evaluation('base', base), fineTuned: await evaluation('fine-tuned', base.map((x, i) => x + 0.2 + (i % 3) / 50)) });
      const significant = better.checks.find((c) => c.metric === 'token_f1_vs_base')!;
      assert.equal(significant.passed, true);
      assert.ok(significant.pValue! < 0.01 && significant.interval!.lower > 0, JSON.stringify(significant));

      const same = await applyGate({ spec: gate, baseline: await evaluation('base', base), fineTuned: await evaluation('fine-tuned', base) });
      const none = same.checks.find((c) => c.metric === 'token_f1_vs_base')!;
      assert.deepEqual([none.passed, none.pValue], [false, 1]);
      assert.equal(same.passed, false);
      const evidence = await openArtifactStore().getJson<{ comparisonsWithBaseline: Record<string, { pValue: number }> }>(same.evidence);
      assert.equal(evidence.comparisonsWithBaseline.token_f1!.pValue, 1);
    });

    it('fails on an out-of-domain drop beyond the spec\'s limit, and records the drop in the evidence', async () => {
      const store = openArtifactStore();
      const base = Array.from({ length: 10 }, (_, i) => 0.2 + i / 100);
      const [baseline, fineTuned] = [await evaluation('base', base), await evaluation('fine-tuned', base.map((x) => x + 0.3))];
      const outOfDomain = async (relativeDrop: number) => ({
        samples: 20,
        base: { token_f1: 0.5, loss: 2 },
        fineTuned: { token_f1: 0.5 * (1 - relativeDrop), loss: 2.4 },
        tokenF1Change: { difference: -0.5 * relativeDrop, lower: -0.5 * relativeDrop - 0.05, upper: -0.5 * relativeDrop + 0.05, pValue: 0.01 },
        relativeDrop,
        maxRelativeDrop: 0.1,
        report: await store.putJson({ kind: 'tempered.out-of-domain/v1' }),
      });
      const small = await applyGate({ spec, baseline, fineTuned, outOfDomain: await outOfDomain(0.05) });
      assert.deepEqual(small.checks.find((c) => c.metric === 'out_of_domain_relative_drop')?.passed, true);
      const large = await applyGate({ spec, baseline, fineTuned, outOfDomain: await outOfDomain(0.25) });
      const check = large.checks.find((c) => c.metric === 'out_of_domain_relative_drop')!;
      assert.deepEqual([check.passed, check.value, check.op, check.threshold, large.passed], [false, 0.25, '<=', 0.1, false]);
      const evidence = await store.getJson<{ outOfDomain: { relativeDrop: number } }>(large.evidence);
      assert.equal(evidence.outOfDomain.relativeDrop, 0.25);
      const unlimited = await applyGate({ spec, baseline, fineTuned, outOfDomain: { ...(await outOfDomain(0.25)), maxRelativeDrop: null } });
      assert.equal(unlimited.checks.some((c) => c.metric === 'out_of_domain_relative_drop'), false, 'reported, not gated, without a limit');
    });

    it('holds every readiness check to passing, and attaches the readiness report to the evidence', async () => {
      const store = openArtifactStore();
      const base = Array.from({ length: 10 }, (_, i) => 0.2 + i / 100);
      const [baseline, fineTuned] = [await evaluation('base', base), await evaluation('fine-tuned', base.map((x) => x + 0.3))];
      const report = await store.putJson({ kind: 'tempered.readiness/v1' });
      const readiness = (loadPassed: boolean) => ({
        passed: loadPassed,
        checks: [
          { name: 'security.pii_leaks' as const, passed: true, evidence: { leaks: 0 } },
          { name: 'scalability.load' as const, passed: loadPassed, evidence: { latency_s: { p95: loadPassed ? 1.2 : 4.5 } } },
        ],
        report,
      });
      const ready = await applyGate({ spec, baseline, fineTuned, readiness: readiness(true) });
      assert.equal(ready.passed, true);
      assert.deepEqual(
        ready.checks.filter((c) => c.mode === 'readiness').map((c) => [c.metric, c.passed]),
        [['security.pii_leaks', true], ['scalability.load', true]],
      );
      const slow = await applyGate({ spec, baseline, fineTuned, readiness: readiness(false) });
      assert.equal(slow.passed, false, 'a failed readiness check fails the gate');
      assert.deepEqual(slow.checks.filter((c) => !c.passed).map((c) => c.metric), ['scalability.load']);
      const evidence = await store.getJson<{ readiness: { passed: boolean; report: unknown; checks: { evidence: unknown }[] } }>(slow.evidence);
      assert.deepEqual([evidence.readiness.passed, evidence.readiness.report], [false, report]);
      assert.deepEqual(evidence.readiness.checks[1]!.evidence, { latency_s: { p95: 4.5 } }, 'the approver sees the figures');
    });
  });
});
