import assert from 'node:assert/strict';
import { exactKey, NEAR_DUPLICATE_DEFAULTS, NearDuplicateIndex, normaliseForDedup, type NearDuplicateOptions } from '../../src/activities/data/near-duplicates';
import { collectShingles, ShingleBuffer } from '../../src/activities/data/near-duplicates/shingles';
import { contentShare, english, japanese, seededRandom, type AnswerLanguage } from './near-duplicates-corpus';

/** Index `earlier` in order, then look `later` up. */
function findAfter(earlier: string[], later: string): number {
  const index = new NearDuplicateIndex();
  for (const text of earlier) index.add(text);
  return index.find(later);
}

function shingles(text: string): number[] {
  const buffer = new ShingleBuffer();
  collectShingles(text, buffer);
  return [...buffer.hashes.subarray(0, buffer.count)];
}

interface Quality {
  recall: number;
  precision: number;
  /** Share of answers of other substances flagged, though they share greeting, closing and often a sentence. */
  falseAlarms: number;
  wrong: string[];
}

/**
 * Indexes one answer of half the substances, then looks up 2,000 variations of them (near-duplicates) and 2,000
 * answers of the other substances (not duplicates: same greetings and closings, often the same main or detail
 * sentence, different substance). A flag is right when it points at the variation's own answer or at one sharing
 * at least 80% of the content (contentShare); flags among the indexed answers are judged the same way.
 */
function measure(language: AnswerLanguage, seed: number, pairs = 2000, options: NearDuplicateOptions = {}): Quality {
  const random = seededRandom(seed);
  const substances = Array.from({ length: language.substances }, (_, i) => i).sort(() => random() - 0.5);
  const indexed = substances.slice(0, substances.length / 2);
  const others = substances.slice(substances.length / 2);
  const answers = indexed.map((substance) => language.answer(random, substance));
  const index = new NearDuplicateIndex(options);
  let right = 0;
  let caught = 0;
  let falseAlarms = 0;
  const wrong: string[] = [];
  /** Counts a flag as right or wrong; true when right. */
  const judge = (text: string, match: number): boolean => {
    const isRight = contentShare(text, answers[match]) >= 0.8;
    if (isRight) right++;
    else wrong.push(`${text}\n  flagged as a duplicate of\n${answers[match]}`);
    return isRight;
  };
  for (const answer of answers) {
    const match = index.add(answer);
    if (match >= 0) judge(answer, match);
  }
  for (let pair = 0; pair < pairs; pair++) {
    const original = Math.floor(random() * answers.length);
    const variant = language.variant(random, answers[original]);
    const match = index.find(variant);
    if (match === original) right++;
    if (match === original || (match >= 0 && judge(variant, match))) caught++;
    const other = language.answer(random, others[pair % others.length]);
    const alarm = index.find(other);
    if (alarm >= 0 && !judge(other, alarm)) falseAlarms++;
  }
  return { recall: caught / pairs, precision: right / (right + wrong.length), falseAlarms: falseAlarms / pairs, wrong };
}

describe('near-duplicates', () => {
  describe('normaliseForDedup', () => {
    it('folds full-width and half-width forms and letter case, and drops punctuation (NFKC, lower case)', () => {
      assert.equal(normaliseForDedup('Ｈｅｌｌｏ, ＷＯＲＬＤ！ Call ０９０-1234.'), 'hello world call 090 1234');
      assert.equal(normaliseForDedup('ｶﾀｶﾅでﾃﾞｽ'), 'カタカナでデス');
    });

    it('collapses whitespace and drops symbols and emoji', () => {
      assert.equal(normaliseForDedup('  Price:\t$19.99 \n\n (was €25) 😀 ✓ '), 'price 19 99 was 25');
    });

    it('writes Japanese without spaces, apart from the Latin words around it', () => {
      assert.equal(normaliseForDedup('iPhone 15の画面が、割れました。'), 'iphone 15 の画面が割れました');
      assert.equal(normaliseForDedup('iphone 15 の 画面 が 割れ ました'), 'iphone 15 の画面が割れました');
    });

    it('keeps apostrophes and zero-width characters inside the word', () => {
      assert.equal(normaliseForDedup("We don’t ship on Sundays, it's a rule"), 'we dont ship on sundays its a rule');
      assert.equal(normaliseForDedup('zero\u200bwidth soft\u00adhyphen'), 'zerowidth softhyphen');
    });

    it('is what the index compares: a text and its normalised form have the same shingles', () => {
      const random = seededRandom(3);
      const texts = ['ｶﾞｲﾄﾞﾌﾞｯｸ ㈱テスト Ⅻ 𝐁𝐨𝐥𝐝 𠮷野家 ΟΔΟΣ', 'e\u0301te\u0301 café', 'Don’t   ZERO\u200bwidth'];
      for (let i = 0; i < 200; i++) {
        const language = i % 2 === 0 ? english : japanese;
        texts.push(language.variant(random, language.answer(random)));
      }
      for (const text of texts) assert.deepEqual(shingles(text), shingles(normaliseForDedup(text)), text);
    });
  });

  describe('exactKey', () => {
    it('is equal for texts that differ only in case, width, punctuation or spacing', () => {
      assert.equal(exactKey('Your order has SHIPPED!'), exactKey('your   order has shipped'));
      assert.equal(exactKey('ご注文は２日に発送しました。'), exactKey('ご注文は2日に発送しました'));
      assert.notEqual(exactKey('Your order has shipped'), exactKey('Your order has not shipped'));
    });

    it('gives 50,000 different generated answers 50,000 different keys', function () {
      this.timeout(20_000);
      const random = seededRandom(4);
      const normalised = new Set<string>();
      const keys = new Set<bigint>();
      for (let i = 0; i < 50_000; i++) {
        const text = (i % 3 === 0 ? japanese : english).answer(random);
        normalised.add(normaliseForDedup(text));
        keys.add(exactKey(text));
      }
      assert.equal(keys.size, normalised.size);
    });
  });

  describe('NearDuplicateIndex', () => {
    const answer =
      'Thank you for contacting us. Your order #48213 has shipped with UPS and should arrive within 3 business days. ' +
      'You can follow the parcel with the tracking link in your confirmation email.';
    const japaneseAnswer = 'お問い合わせいただきありがとうございます。ご注文の加湿器は本日ヤマト運輸にて発送いたしました。到着まで２日ほどお待ちください。';

    it('flags texts that differ only in case, punctuation, full-width forms or spacing', () => {
      const surface = 'THANK YOU FOR CONTACTING US   your order #４８２１３ has shipped with ＵＰＳ and should arrive within ３ business days ' +
        'you can follow the parcel with the tracking link in your confirmation email!!';
      assert.equal(findAfter([answer], surface), 0);
      assert.equal(findAfter([japaneseAnswer], 'お問い合わせいただきありがとうございます ご注文の加湿器は本日ヤマト運輸にて発送いたしました 到着まで2日ほどお待ちください'), 0);
    });

    it('flags an English answer with two words substituted or added', () => {
      assert.equal(findAfter([answer], answer.replace('UPS', 'FedEx').replace('3 business', '5 business')), 0);
      assert.equal(findAfter([answer], answer.replace('shipped', 'already shipped').replace('follow', 'easily follow')), 0);
    });

    it('flags a Japanese answer with a short word swapped or a few characters changed', () => {
      assert.equal(findAfter([japaneseAnswer], japaneseAnswer.replace('本日', '明日').replace('加湿器', '炊飯器')), 0);
      assert.equal(findAfter([japaneseAnswer], japaneseAnswer.replace('発送いたしました', '出荷しました')), 0);
    });

    it('handles Japanese with English product names', () => {
      const mixed = 'ご注文のAirPods Pro（第2世代）は本日発送いたしました。到着まで３日ほどお待ちください。';
      assert.equal(findAfter([mixed], 'ご注文の AirPods Pro 第２世代は、本日出荷いたしました。到着まで3日ほどお待ちください'), 0);
      assert.equal(findAfter([mixed], 'ご注文のiPhone 15 Pro Maxは本日発送いたしました。到着まで３日ほどお待ちください。'), -1);
    });

    it('does not flag answers that share their greeting and closing but not their substance', () => {
      const closing = ' Please let us know if there is anything else we can help with.';
      const answers = [
        `Thank you for contacting us. Your refund of $45.20 has been approved and sent back to your card.${closing}`,
        `Thank you for contacting us. We are sorry to hear that your coffee grinder arrived damaged.${closing}`,
        `Thank you for contacting us. Your account was locked after several failed sign in attempts.${closing}`,
      ];
      assert.equal(findAfter(answers.slice(0, 2), answers[2]), -1);
      assert.equal(findAfter(answers.slice(1), answers[0]), -1);
    });

    it('returns the earliest matching item and indexes every added text, matched or not', () => {
      const index = new NearDuplicateIndex();
      assert.equal(index.add('Your parcel is with DHL now and the estimated delivery date is May 4.'), -1);
      assert.equal(index.add(answer), -1);
      assert.equal(index.add(answer.toUpperCase()), 1);
      assert.equal(index.add(answer.replace('UPS', 'DHL')), 1);
      assert.equal(index.size, 4);
      assert.equal(index.find(answer.replace('3 business', 'three business')), 1);
    });

    it('does not index the texts it finds', () => {
      const index = new NearDuplicateIndex();
      assert.equal(index.find(answer), -1);
      assert.equal(index.find(answer), -1);
      assert.equal(index.size, 0);
      assert.equal(index.add(answer), -1);
      assert.equal(index.size, 1);
    });

    it('treats empty and punctuation-only texts as duplicates of each other', () => {
      const index = new NearDuplicateIndex();
      assert.equal(index.add(''), -1);
      assert.equal(index.add(' ?! '), 0);
      assert.equal(index.add('ok'), -1);
    });

    it('keeps its recall when only the signature length is set (bands follow: 4 bins each)', () => {
      assert.ok(measure(english, 3, 500, { permutations: 128 }).recall >= 0.95);
    });

    it('rejects settings it cannot honour, naming the setting', () => {
      assert.throws(() => new NearDuplicateIndex({ threshold: 0 }), /threshold must be in \(0, 1\], got 0/);
      assert.throws(() => new NearDuplicateIndex({ permutations: 100 }), /permutations must be a multiple of 32/);
      assert.throws(() => new NearDuplicateIndex({ permutations: 64, bands: 65 }), /bands must be an integer from 1 to permutations \(64\)/);
    });

    it('holds under 400 bytes per text for 50,000 distinct texts', function () {
      this.timeout(20_000);
      const random = seededRandom(5);
      const index = new NearDuplicateIndex();
      const vocabulary = english.answer(random).split(' ');
      for (let i = 0; i < 50_000; i++) {
        index.add(`${english.answer(random)} ${Array.from({ length: 8 }, () => vocabulary[Math.floor(random() * vocabulary.length)]).join(' ')} ${i}`);
      }
      assert.ok(index.bytes / index.size < 400, `${(index.bytes / index.size).toFixed(0)} bytes per text`);
    });
  });

  describe('recall and precision on generated support answers, at the default settings', () => {
    it(`uses threshold ${NEAR_DUPLICATE_DEFAULTS.threshold}, ${NEAR_DUPLICATE_DEFAULTS.permutations} permutations, ${NEAR_DUPLICATE_DEFAULTS.bands} bands`, () => {
      assert.deepEqual(NEAR_DUPLICATE_DEFAULTS, { threshold: 0.78, permutations: 128, bands: 32 });
    });

    for (const [name, language, seed] of [
      ['English', english, 1],
      ['Japanese', japanese, 2],
    ] as const) {
      it(`catches at least 95% of 2,000 ${name} near-duplicates, and at least 99% of its flags are right`, () => {
        const { recall, precision, falseAlarms, wrong } = measure(language, seed);
        const figures = `recall ${recall}, precision ${precision}, false alarms ${falseAlarms}`;
        assert.ok(recall >= 0.95, figures);
        assert.ok(precision >= 0.99, `${figures}; for example:\n${wrong.slice(0, 3).join('\n\n')}`);
      });
    }
  });
});
