import assert from 'node:assert/strict';
import { assessQuality, enforceQualityGate } from '../../src/activities/data/quality';
import type { CanonicalRecord } from '../../src/activities/data/records';
import { captureFailure, qaRecord } from './helpers';

function faqRows(count: number, firstLine = 2): CanonicalRecord[] {
  return Array.from({ length: count }, (_, i) => qaRecord(`Question ${i}?`, `Answer ${i}.`, firstLine + i));
}

describe('quality', () => {
  it('drops exact duplicates after normalisation, keeping the first and pointing back at it', () => {
    const records = [
      qaRecord('How do I return an item?', 'Use the returns form.', 2),
      qaRecord('Where is my order?', 'See the tracking link.', 3),
      qaRecord('how do I return an item', 'Use the returns form', 4),
      qaRecord('How do I return an item?', 'Call us.', 5),
    ];
    const assessment = assessQuality(records);
    assert.deepEqual(
      assessment.kept.map((r) => r.source.line),
      [2, 3, 5],
    );
    assert.deepEqual(assessment.duplicates, [{ reason: 'duplicate', at: 'faq.csv:4', detail: 'duplicate of faq.csv:2' }]);
    assert.equal(assessment.duplicate_rate, 0.25);
  });

  it('drops incomplete records and measures completeness over everything collected', () => {
    const records = [...faqRows(3), qaRecord('Question?', '   ', 5), qaRecord('', 'Answer.', 6)];
    const assessment = assessQuality(records);
    assert.equal(assessment.kept.length, 3);
    assert.equal(assessment.completeness, 0.6);
    assert.deepEqual(assessment.incomplete, [
      { reason: 'incomplete', at: 'faq.csv:5', detail: 'empty answer' },
      { reason: 'incomplete', at: 'faq.csv:6', detail: 'empty question' },
    ]);
  });

  it('passes data that meets the thresholds', () => {
    const records = faqRows(20);
    enforceQualityGate(assessQuality(records), records.length, { min_completeness: 0.95, min_examples: 20 });
  });

  it('fails on low completeness, naming the share, the threshold and the first incomplete row', () => {
    const records = faqRows(22);
    records.splice(2, 0, qaRecord('Question?', '', 4), qaRecord('Other question?', '', 9));
    const failure = captureFailure(() => enforceQualityGate(assessQuality(records), records.length, { min_completeness: 0.95, min_examples: 20 }));
    assert.equal(failure.type, 'DataQualityGateFailed');
    assert.equal(failure.nonRetryable, true);
    assert.equal(failure.message, 'data quality gate failed: completeness 0.92 < 0.95 (2 of 24 records incomplete, first: faq.csv:4: empty answer)');
    assert.deepEqual((failure.details?.[0] as { incomplete: unknown[] }).incomplete.length, 2);
  });

  it('fails with every failing measure named when there are also too few examples', () => {
    const records = [...faqRows(5), qaRecord('Question?', '', 8)];
    const failure = captureFailure(() => enforceQualityGate(assessQuality(records), records.length, { min_completeness: 0.95, min_examples: 20 }));
    assert.equal(
      failure.message,
      'data quality gate failed: completeness 0.83 < 0.95 (1 of 6 records incomplete, first: faq.csv:8: empty answer); 5 records kept < min_examples 20',
    );
  });

  it('shows enough digits that a completeness just below the threshold does not read as equal to it', () => {
    const records = [...faqRows(209), qaRecord('Question?', '', 300)]; // 209 / 210 = 0.99524
    const failure = captureFailure(() => enforceQualityGate(assessQuality(records), records.length, { min_completeness: 0.996, min_examples: 1 }));
    assert.match(failure.message, /^data quality gate failed: completeness 0\.9952 < 0\.996 /);
  });
});
