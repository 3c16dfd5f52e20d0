import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { checkProductionHealth } from '../../src/activities/monitoring/health';
import { registerModel } from '../../src/activities/deployment/registry';
import { openArtifactStore } from '../../src/artifacts/store';
import { projectRoot } from '../../src/config/paths';
import { buildDriftReference, measureDrift } from '../../src/monitoring/input-drift';
import { inputFeatures, LEXICAL_BUCKETS } from '../../src/monitoring/input-features';
import { populationStabilityIndex } from '../../src/monitoring/population-stability';
import { writeFeedbackBatch, type LogEvent } from '../../src/serving/feedback-log';
import { loadSpecFile } from '../../src/spec/load';
import { approvedRun } from '../support/registrations';
import { useTempArtifactStore } from '../support/temporal';

const faq = parse(fs.readFileSync(path.join(projectRoot, 'test/fixtures/tiny-support/faq.csv')), { columns: true }) as { question: string; category: string }[];
const english = faq.map((row) => ({ question: row.question, category: row.category }));
const japanese = [
  '注文した商品はいつ届きますか？',
  '返品の送料は誰が負担しますか？',
  'パスワードを忘れてしまいました。どうすればいいですか？',
  '領収書を発行してもらえますか？',
  '保証期間はどのくらいですか？',
  '配送先の住所を変更したいです。',
];

describe('input drift', () => {
  describe('populationStabilityIndex', () => {
    it('is near zero for the same shares and grows with the shift', () => {
      assert.ok(populationStabilityIndex([100, 200, 300], [10, 20, 30]) < 0.01);
      const small = populationStabilityIndex([100, 100], [110, 90]);
      const large = populationStabilityIndex([100, 100], [180, 20]);
      assert.ok(small < 0.05, `small shift ${small}`);
      assert.ok(large > 0.25, `large shift ${large}`);
    });

    it('stays finite when a bin is empty on one side', () => {
      assert.ok(Number.isFinite(populationStabilityIndex([0, 100], [100, 0])));
    });

    it('refuses distributions over different bins', () => {
      assert.throws(() => populationStabilityIndex([1, 2], [1, 2, 3]), /bins differ/);
    });
  });

  describe('inputFeatures', () => {
    it('counts characters after NFKC, tells the language and spreads words over the buckets', () => {
      const ascii = inputFeatures('Where is my order?');
      const wide = inputFeatures('Ｗｈｅｒｅ　ｉｓ　ｍｙ　ｏｒｄｅｒ？');
      assert.deepEqual(wide, ascii, 'full-width forms are the same question');
      assert.equal(ascii.language, 'en');
      assert.equal(ascii.lexical.length, LEXICAL_BUCKETS);
      assert.equal(ascii.lexical.reduce((a, b) => a + b), 4);
      const ja = inputFeatures('注文した商品はいつ届きますか？', 'orders');
      assert.equal(ja.language, 'ja');
      assert.ok(ja.lexical.reduce((a, b) => a + b) >= 4, 'Japanese is split into words, not kept as one');
      assert.equal(ja.category, 'orders');
    });
  });

  describe('measureDrift', () => {
    const reference = buildDriftReference(english);
    const features = (questions: { question: string; category?: string }[]) => questions.map((q) => inputFeatures(q.question, q.category));

    it('finds no drift in traffic like the training questions', () => {
      const report = measureDrift(reference, features([...english, ...english]));
      for (const [feature, psi] of Object.entries(report.psi)) assert.ok(psi < 0.1, `${feature} PSI ${psi}`);
      assert.ok(report.psi.category !== undefined, 'categories named by the clients are compared');
    });

    it('finds the language shift when production asks in Japanese', () => {
      const asked = [...japanese, ...japanese, ...japanese].map((question) => ({ question }));
      const report = measureDrift(reference, features([...english.slice(0, 5), ...asked]));
      assert.ok(report.psi.language! > 0.25, `language PSI ${report.psi.language}`);
    });

    it('finds the length shift when questions get much longer', () => {
      const long = english.map((q) => ({ ...q, question: `${q.question} I have asked this before and nobody answered, so here are all the details again: ${q.question}` }));
      const report = measureDrift(reference, features(long));
      assert.ok(report.psi.length! > 0.25, `length PSI ${report.psi.length}`);
      assert.ok(report.psi.language! < 0.1, 'still English');
    });

    it('finds categories the training data never had', () => {
      const unknown = english.map((q) => ({ ...q, category: 'crypto' }));
      assert.ok(measureDrift(reference, features(unknown)).psi.category! > 0.25);
    });
  });

  describe('checkProductionHealth', function () {
    this.timeout(60_000);
    before(() => useTempArtifactStore());

    it('compares the window with the version\'s training questions and reports drift as a breach', async () => {
      const store = openArtifactStore();
      const run = await approvedRun(store);
      const lines = english.map((q) => JSON.stringify({ messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: q.question }, { role: 'assistant', content: 'Yes.' }], category: q.category }));
      run.data.train = await store.putBytes(lines.join('\n') + '\n');
      const { version } = await registerModel(run, store);
      const pipeline = run.spec.name;

      const now = Date.now();
      const events = (questions: string[], offset: number): LogEvent[] =>
        questions.map((question, i) => ({
          type: 'request',
          id: `r${offset + i}`,
          at: new Date(now - 60_000 + offset + i).toISOString(),
          latency_s: 0.3,
          error: false,
          prompt_tokens: 8,
          completion_tokens: 8,
          features: inputFeatures(question),
        }));
      const thresholds = { ...loadSpecFile('customer-support-demo').spec.monitoring.thresholds, min_samples: 10 };
      const to = () => new Date().toISOString();
      await writeFeedbackBatch(store, { pipeline, version, arm: 'production' }, events(english.map((q) => q.question), 0), new Date(now - 30_000));
      const calm = await checkProductionHealth({ pipeline, modelVersion: version, from: null, to: to(), thresholds });
      assert.ok(calm.drift, 'a registered version has a reference');
      assert.deepEqual(calm.breaches, []);
      assert.ok(await store.readNamed(`drift-reference/${pipeline}/v${version}.json`), 'the reference is kept for the next check');

      const from = to();
      await new Promise((r) => setTimeout(r, 5));
      await writeFeedbackBatch(store, { pipeline, version, arm: 'production' }, events([...japanese, ...japanese, ...japanese], 1000));
      const shifted = await checkProductionHealth({ pipeline, modelVersion: version, from, to: to(), thresholds });
      assert.ok(shifted.breaches.some((b) => /^input drift: language PSI \d\.\d{3} > 0\.25$/.test(b)), shifted.breaches.join('; '));
    });

    it('measures no drift for a version the registry does not know', async () => {
      const store = openArtifactStore();
      const now = new Date();
      const events: LogEvent[] = japanese.concat(japanese).map((q, i) => ({ type: 'request', id: `u${i}`, at: now.toISOString(), latency_s: 0.2, error: false, prompt_tokens: 1, completion_tokens: 1, features: inputFeatures(q) }));
      await writeFeedbackBatch(store, { pipeline: 'unregistered', version: 1, arm: 'production' }, events, now);
      const thresholds = { ...loadSpecFile('customer-support-demo').spec.monitoring.thresholds, min_samples: 10 };
      const report = await checkProductionHealth({ pipeline: 'unregistered', modelVersion: 1, from: null, to: new Date(now.getTime() + 1000).toISOString(), thresholds });
      assert.equal(report.drift, null);
    });
  });
});
