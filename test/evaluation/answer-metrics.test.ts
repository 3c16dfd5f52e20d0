import assert from 'node:assert/strict';
import {
  addChrfStatistics,
  chrf,
  chrfFromStatistics,
  chrfStatistics,
  exactMatch,
  labelAccuracy,
  normalizeAnswer,
  predictedLabel,
  rougeL,
  scoreAnswer,
  searchTerms,
  tokenF1,
  tokenize,
} from '../../src/evaluation/metrics';

const close = (actual: number, expected: number) => assert.ok(Math.abs(actual - expected) < 1e-12, `${actual} ≠ ${expected}`);

describe('answer metrics', () => {
  describe('tokenize', () => {
    it('splits English into lower-case words, as the existing metrics do', () => {
      assert.deepEqual(tokenize('Returns are FREE within 30 days, aren’t they?'), ['returns', 'are', 'free', 'within', '30', 'days', 'aren’t', 'they']);
    });

    it('splits Japanese into characters, drops its punctuation and folds full-width letters and digits', () => {
      assert.deepEqual(tokenize('返品は３０日以内です。ＡＩ搭載「スマート」'), ['返', '品', 'は', '30', '日', '以', '内', 'で', 'す', 'ai', '搭', '載', 'ス', 'マ', 'ー', 'ト']);
    });

    it('gives retrieval character bigrams for Japanese and words for English', () => {
      assert.deepEqual(searchTerms('返品の期限は？ Tokyo駅'), ['返品', '品の', 'の期', '期限', '限は', 'tokyo', '駅']);
    });
  });

  describe('exact match', () => {
    it('ignores case, width, whitespace, punctuation and symbols', () => {
      assert.equal(normalizeAnswer('  Free   shipping over $75! '), 'free shipping over 75');
      assert.equal(exactMatch('Free shipping over $75!', 'free  shipping over 75'), 1);
      assert.equal(exactMatch('ＦＲＥＥ　Shipping', 'free shipping'), 1);
    });

    it('keeps the words themselves, articles included', () => {
      assert.equal(exactMatch('the shipping is free', 'shipping is free'), 0);
    });

    it('ignores Japanese punctuation and spaces between Japanese words', () => {
      assert.equal(normalizeAnswer('東京 駅です。 Tokyo  Station!'), '東京駅ですtokyo station');
      assert.equal(exactMatch('東京駅です。', '東京 駅 です'), 1);
      assert.equal(exactMatch('東京駅です', '大阪駅です'), 0);
    });
  });

  describe('token F1', () => {
    it('matches hand-computed values in English', () => {
      // 3 of 4 predicted tokens are in the 6-token reference: P = 3/4, R = 3/6, F1 = 0.6
      close(tokenF1('returns take thirty days', 'returns take up to thirty business'), 0.6);
      close(tokenF1('the the the', 'the cat'), 0.4); // one "the" matches: P = 1/3, R = 1/2
      assert.equal(tokenF1('', ''), 1);
      assert.equal(tokenF1('hello', ''), 0);
    });

    it('counts Japanese characters as tokens', () => {
      // 9 tokens each (返 品 は 30 日 以 内 で す vs … 14 …), 8 shared: P = R = 8/9
      close(tokenF1('返品は30日以内です', '返品は14日以内です'), 8 / 9);
    });
  });

  describe('ROUGE-L', () => {
    it('is the F-measure of the longest common subsequence', () => {
      // LCS "the cat on the mat" = 5 of 6 tokens on both sides
      close(rougeL('the cat sat on the mat', 'the cat was on the mat'), 5 / 6);
      // token F1 ignores order, ROUGE-L does not: LCS 1, P = R = 1/2
      assert.equal(tokenF1('b a', 'a b'), 1);
      close(rougeL('b a', 'a b'), 0.5);
      assert.equal(rougeL('', ''), 1);
      assert.equal(rougeL('anything', ''), 0);
    });

    it('works on Japanese characters', () => {
      // 今 日 は 晴 れ vs 今 日 は 雨: LCS 3, P = 3/5, R = 3/4, F = 2/3
      close(rougeL('今日は晴れ', '今日は雨'), 2 / 3);
    });
  });

  describe('chrF', () => {
    it('reproduces the documented sacreBLEU sentence score', () => {
      // sacreBLEU chrF2 (char order 6, beta 2, no whitespace) = 61.576379378113785
      close(chrf('The relationship between Obama and Netanyahu is not exactly friendly.', 'The ties between Obama and Netanyahu are not particularly friendly.'), 0.61576379378113785);
    });

    it('reproduces the documented sacreBLEU corpus score by adding sentence statistics', () => {
      const stats = [
        chrfStatistics('The relationship between cats and dogs is not exactly friendly.', 'The relationship between dogs and cats is not exactly friendly.'),
        chrfStatistics('a good bookshop is just a genteel black hole that knows how to read.', 'A good bookshop is just a genteel Black Hole that knows how to read.'),
      ];
      close(chrfFromStatistics(addChrfStatistics(stats)), 0.8464214891738334);
    });

    it('matches hand-computed values in English', () => {
      // c a t vs c a t s: P_1..3 = 1, R = 3/4, 2/3, 1/2 (order 4+ has no predicted n-grams);
      // P = 1, R = 23/36, chrF = 5PR / (4P + R) = 115/167
      close(chrf('cat', 'cats'), 115 / 167);
      assert.equal(chrf('cat', 'cat'), 1);
      assert.equal(chrf('', 'cat'), 0);
    });

    it('works on Japanese without a segmenter and ignores spaces', () => {
      // す し vs す し や: R_1 = 2/3, R_2 = 1/2, P = 1: chrF = 5·(7/12) / (4 + 7/12) = 7/11
      close(chrf('すし', 'すしや'), 7 / 11);
      assert.equal(chrf('東京 駅', '東京駅'), 1);
      // sacreBLEU 2.6.0 sentence chrF of the same pairs: 40.317460317460316 and 50.58538799495517
      close(chrf('返品は30日以内です', '返品は14日以内です'), 0.40317460317460316);
      close(chrf('配送料は無料です。', '配送は 無料 です'), 0.5058538799495517);
    });
  });

  describe('label accuracy', () => {
    const labels = ['billing', 'shipping', 'returns'];

    it('finds the one label an answer names', () => {
      assert.equal(predictedLabel('BILLING', labels), 'billing');
      assert.equal(predictedLabel('Category: Billing.', labels), 'billing');
      assert.equal(predictedLabel('billing or shipping', labels), null);
      assert.equal(predictedLabel('no idea', labels), null);
    });

    it('scores 1 only when the named label is the reference', () => {
      assert.equal(labelAccuracy('Category: Billing.', 'billing', labels), 1);
      assert.equal(labelAccuracy('shipping', 'billing', labels), 0);
      assert.equal(labelAccuracy('billing or shipping', 'billing', labels), 0);
      assert.equal(labelAccuracy('Yes.', 'yes'), 1);
    });

    it('reads Japanese labels', () => {
      assert.equal(labelAccuracy('分類：配送', '配送', ['請求', '配送']), 1);
      assert.equal(labelAccuracy('分類：請求', '配送', ['請求', '配送']), 0);
    });

    it('rejects an empty label set', () => {
      assert.throws(() => labelAccuracy('x', 'x', []), /label set is empty/);
    });
  });

  it('scores one answer on every reference metric', () => {
    const scores = scoreAnswer('返品は30日以内です', '返品は14日以内です');
    assert.equal(scores.exact_match, 0);
    close(scores.token_f1, 8 / 9);
    close(scores.rouge_l, 8 / 9);
    close(scores.chrf, 0.40317460317460316);
  });
});
