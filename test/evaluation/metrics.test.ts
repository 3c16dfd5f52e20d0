import assert from 'node:assert/strict';
import { scorePredictions } from '../../src/activities/evaluation/evaluate-model';
import { followsStyle, percentile } from '../../src/activities/evaluation/metrics';
import { checkFormat, tokenF1, tokenize } from '../../src/evaluation/metrics';
import { loadSpecFile } from '../../src/spec/load';

describe('evaluation metrics', () => {
  it('tokenizes words and numbers, ignoring case and punctuation', () => {
    assert.deepEqual(tokenize('Returns are FREE within 30 days, aren’t they?'), ['returns', 'are', 'free', 'within', '30', 'days', 'aren’t', 'they']);
  });

  it('computes token F1 as hand-computed', () => {
    // 3 of 4 predicted tokens are in the 6-token reference: P = 3/4, R = 3/6, F1 = 2PR/(P+R) = 0.6
    assert.equal(tokenF1('returns take thirty days', 'returns take up to thirty business'), 0.6);
    assert.equal(tokenF1('the the the', 'the cat'), 0.4); // one "the" matches: P = 1/3, R = 1/2
    assert.equal(tokenF1('', ''), 1);
    assert.equal(tokenF1('hello', ''), 0);
  });

  it('interpolates percentiles like numpy', () => {
    assert.equal(percentile([1, 2, 3, 4], 0.5), 2.5);
    assert.ok(Math.abs(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.95) - 9.55) < 1e-12);
  });

  it('checks the house style', () => {
    const rules = { max_words: 5, forbidden_phrases: ['As an AI'] };
    assert.deepEqual(followsStyle('Sure, here it is.', rules), { ok: true });
    assert.deepEqual(followsStyle('one two three four five six', rules), { ok: false, reason: '6 words > 5' });
    assert.deepEqual(followsStyle('as an ai I cannot', rules), { ok: false, reason: 'contains "As an AI"' });
    assert.deepEqual(followsStyle('  ', rules), { ok: false, reason: 'empty answer' });
  });

  it('scores a set of predictions against the spec', () => {
    const evaluation = loadSpecFile('customer-support-demo').spec.evaluation; // min_token_f1 0.4, max_words 60
    const p = (prediction: string, reference: string, latency_s: number) => ({ id: prediction, category: null, reference, prediction, latency_s, new_tokens: 1 });
    const { metrics, intervals } = scorePredictions(
      [p('free shipping over 75 dollars', 'shipping is free over 75 dollars', 1), p('no idea', 'orders ship in 3 days', 2), p('', 'x', 3)],
      evaluation,
    );
    assert.equal(metrics.accuracy, 1 / 3);
    assert.equal(metrics.consistency, 2 / 3);
    assert.equal(metrics.response_time, 2.9);
    assert.equal(metrics.exact_match, 0);
    assert.ok(metrics.rouge_l > 0 && metrics.chrf > 0);
    // Three answers, one accurate: a resample holds 0 to 3 accurate ones, and the 95% interval spans 0 to 1.
    assert.deepEqual([intervals.accuracy!.lower, intervals.accuracy!.upper], [0, 1]);
    for (const [name, i] of Object.entries(intervals)) {
      const value = (metrics as Record<string, number>)[name]!;
      assert.ok(i.lower <= value && value <= i.upper, `${name} ${value} inside [${i.lower}, ${i.upper}]`);
    }
  });

  it('gives the same intervals for the same predictions and seed, and narrower ones for more answers', () => {
    const evaluation = loadSpecFile('customer-support-demo').spec.evaluation;
    const answers = (n: number) =>
      Array.from({ length: n }, (_, i) => ({ id: `${i}`, category: null, reference: 'returns are free within 30 days', prediction: i % 2 ? 'returns are free within 30 days' : 'no idea', latency_s: 1 + (i % 5), new_tokens: 1 }));
    const few = scorePredictions(answers(10), evaluation, 7).intervals.accuracy!;
    assert.deepEqual(scorePredictions(answers(10), evaluation, 7).intervals.accuracy, few);
    const many = scorePredictions(answers(200), evaluation, 7).intervals.accuracy!;
    assert.ok(many.upper - many.lower < few.upper - few.lower, `${JSON.stringify(many)} narrower than ${JSON.stringify(few)}`);
    assert.ok(many.lower < 0.5 && many.upper > 0.5);
  });

  it('checks a required JSON format, accepting a code fence and naming what is wrong', () => {
    const format = { type: 'json' as const, required_keys: ['intent', 'reply'] };
    assert.deepEqual(checkFormat('{"intent": "refund", "reply": "Done."}', format), { ok: true });
    assert.deepEqual(checkFormat('```json\n{"intent": "refund", "reply": "Done."}\n```', format), { ok: true });
    assert.deepEqual(checkFormat('{"intent": "refund"}', format), { ok: false, reason: 'missing key reply' });
    assert.deepEqual(checkFormat('["intent", "reply"]', format), { ok: false, reason: 'expected a JSON object' });
    assert.equal(checkFormat('Sure! {"intent": "refund", "reply": "Done."}', format).ok, false, 'text around the JSON');
    assert.match(checkFormat('{"intent": ', format).reason!, /^not JSON: /);
    assert.deepEqual(checkFormat('42', { type: 'json', required_keys: [] }), { ok: true });
  });

  it('scores format validity and label accuracy when the spec asks for them', () => {
    const base = loadSpecFile('customer-support-demo').spec.evaluation;
    const evaluation = { ...base, accuracy: { ...base.accuracy, labels: ['billing', 'shipping', 'returns'] }, format: { type: 'json' as const, required_keys: [] } };
    const p = (prediction: string, reference: string) => ({ id: prediction, category: null, reference, prediction, latency_s: 1, new_tokens: 1 });
    const { metrics, intervals, perSample } = scorePredictions(
      [p('"billing"', 'billing'), p('"Category: Shipping."', 'shipping'), p('billing or returns', 'returns'), p('{"label": "returns"}', 'shipping')],
      evaluation,
    );
    // Labels: the first two name their reference, the third hedges between two, the fourth names the wrong one.
    assert.deepEqual(perSample.map((s) => s.accurate), [true, true, false, false]);
    assert.equal(metrics.accuracy, 0.5);
    // JSON: three answers parse (two strings, one object); "billing or returns" does not.
    assert.deepEqual(perSample.map((s) => s.format_ok), [true, true, false, true]);
    assert.equal(metrics.format_validity, 0.75);
    assert.ok(intervals.format_validity!.lower <= 0.75 && intervals.format_validity!.upper >= 0.75);
    assert.equal(scorePredictions([p('x', 'x')], base).metrics.format_validity, undefined, 'no format, no metric');
  });
});
