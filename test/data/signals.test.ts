import assert from 'node:assert/strict';
import { placeholderText, truncatedText } from '../../src/activities/data/signals/accuracy-rules';
import { BloomFilter } from '../../src/activities/data/signals/bloom-filter';
import { NgramBloom, NgramHasher } from '../../src/activities/data/signals/contamination';
import { categoryBalance, DistinctNgrams } from '../../src/activities/data/signals/diversity';
import { formatViolations } from '../../src/activities/data/signals/format-rules';
import { detectLanguage, languageMismatch } from '../../src/activities/data/signals/language';
import { LengthOutliers } from '../../src/activities/data/signals/length-outliers';
import { japaneseRegister } from '../../src/activities/data/signals/register';
import { countWords } from '../../src/activities/data/signals/word-count';
import { seededRandom } from '../support/seeded-random';

/** Complete, finished support answers as agents write them: no signal may fire on any of them. */
const REALISTIC_ANSWERS = [
  'Yes.',
  'No problem!',
  'Thanks so much 😊',
  'Sorry about that :(',
  'Your refund has been processed and should arrive in 3-5 business days',
  'You can return any unused item within 30 days. Just open Your Orders, pick the item and choose [Return or Replace Items].',
  'Click [Add to Cart], then [Proceed to Checkout] and enter the code SPRING20.',
  'Your order #A-10293 ships on 2024-05-01 and costs $19.99 (tax included).',
  'The XL and XXL sizes are back in stock, and the card ending in XXXX-XXXX-XXXX-4242 was charged ¥3,980.',
  'You can add items to your todo list from the app, under Lists > To do.',
  'Call us on 0120-123-456',
  'Visit https://support.example.com/how-to',
  'You can find it under Settings > Privacy',
  'Open the app (version 2.1 or later) and tap Restore Purchases',
  'Plan A',
  'I think so',
  'Thanks for reaching out. Best regards, Anna',
  'Kind regards,\nThe Support Team',
  'Our support line is open 9:00–18:00 (JST), Monday to Friday.',
  'ありがとうございます',
  '承知しました。',
  '手順は以上です。',
  '以上ですべて',
  '配送は最短で翌日となります！',
  'ご注文番号 ORD-20240501 の商品は本日発送いたしました。お届けまで今しばらくお待ちください。',
  '【設定】→【アカウント】→【パスワード変更】の順にお進みください。',
  '○ 対応可能　× 対応不可',
  'iPhone 15 Pro の画面修理は AppleCare+ の対象です。',
];

describe('quality signals', () => {
  describe('detectLanguage', () => {
    it('reads English support text as en', () => {
      assert.equal(detectLanguage('How do I reset my password if I no longer have access to my email?'), 'en');
      assert.equal(detectLanguage('Thank you'), 'en');
    });

    it('reads Japanese support text as ja, kanji-only labels included', () => {
      assert.equal(detectLanguage('パスワードを忘れてしまいました。再設定の方法を教えてください。'), 'ja');
      assert.equal(detectLanguage('送料無料'), 'ja');
    });

    it('reads a Japanese sentence with English product names as ja', () => {
      assert.equal(detectLanguage('iPhone 15 Pro Max の画面が割れてしまいました。AppleCare+ で修理できますか？'), 'ja');
      assert.equal(detectLanguage('Amazon Prime Video の解約方法を教えてください'), 'ja');
      assert.equal(detectLanguage('Microsoft Office 365 Business Premium のライセンスを追加したいです'), 'ja');
    });

    it('reads an English sentence with a Japanese name as en', () => {
      assert.equal(detectLanguage('Please ask for Tanaka-san (田中) at the Shibuya store, he will help you.'), 'en');
    });

    it('ignores URLs, digits and punctuation', () => {
      assert.equal(detectLanguage('詳しくは https://support.example.com/faq/returns-and-refunds-policy をご覧ください。'), 'ja');
      assert.equal(detectLanguage('詳しくはhttps://support.example.com/faq/returns-and-refundsをご覧ください。'), 'ja');
      assert.equal(detectLanguage('Order 1234-5678-9012, total ¥12,800'), 'en');
    });

    it('calls very short or symbol-only text unknown', () => {
      for (const text of ['', 'Yes.', 'OK', 'はい', '#12345', '!!!', '😊👍', '---', 'https://example.com/a/very/long/path']) {
        assert.equal(detectLanguage(text), 'unknown', text);
      }
    });

    it('calls other scripts other, Chinese without kana included', () => {
      assert.equal(detectLanguage('Как сбросить пароль?'), 'other');
      assert.equal(detectLanguage('비밀번호를 재설정하려면 어떻게 해야 하나요?'), 'other');
      assert.equal(detectLanguage('请问我的订单什么时候发货？我已经等了一个星期了。'), 'other');
    });
  });

  describe('languageMismatch', () => {
    it('flags an English answer to a Japanese question', () => {
      assert.equal(languageMismatch('注文をキャンセルしたいのですが、どうすればいいですか？', 'You can cancel your order from the Your Orders page.'), true);
    });

    it('does not flag answers in the language of the question', () => {
      assert.equal(languageMismatch('How do I cancel my order?', 'You can cancel it from the Your Orders page.'), false);
      assert.equal(languageMismatch('注文をキャンセルしたいです。', 'マイページの注文履歴からキャンセルできます。'), false);
    });

    it('answers the same whatever was detected before it', () => {
      const question = '注文をキャンセルしたいのですが、どうすればいいですか？';
      const english = 'You can cancel your order from the Your Orders page.';
      const japanese = 'マイページの注文履歴からキャンセルできます。';
      for (const before of [english, japanese, question, 'OK']) {
        detectLanguage(before);
        assert.equal(languageMismatch(question, english), true, before);
        assert.equal(detectLanguage(english), 'en');
        assert.equal(languageMismatch(question, japanese), false, before);
        assert.equal(languageMismatch(english, question), true, before);
      }
    });

    it('stays silent unless both sides are confidently detected', () => {
      assert.equal(languageMismatch('注文をキャンセルしたいのですが、どうすればいいですか？', 'OK'), false);
      assert.equal(languageMismatch('iPhone 15 Pro の画面が割れました', 'Please visit an Apple Store for a repair quote.'), false);
    });
  });

  describe('japaneseRegister', () => {
    it('recognises です/ます answers as polite, final particles and decorations included', () => {
      assert.equal(japaneseRegister('ご注文ありがとうございます。商品は明日発送いたします。'), 'polite');
      assert.equal(japaneseRegister('返品は30日以内であれば可能です。詳しくはこちらをご覧ください！'), 'polite');
      assert.equal(japaneseRegister('こちらの商品でよろしいでしょうか？'), 'polite');
      assert.equal(japaneseRegister('在庫はまだありますよ♪'), 'polite');
      assert.equal(japaneseRegister('昨日発送しました（追跡番号はメールでお送りしました）'), 'polite');
    });

    it('recognises だ/である/dictionary and plain past endings as plain', () => {
      assert.equal(japaneseRegister('返品は30日以内なら可能だ。手続きはマイページからできる。'), 'plain');
      assert.equal(japaneseRegister('設定画面から変更した。'), 'plain');
      assert.equal(japaneseRegister('在庫はない。入荷予定もないね。'), 'plain');
    });

    it('follows the majority of sentences', () => {
      assert.equal(japaneseRegister('本日は休業日だ。明日以降にご連絡ください。ご迷惑をおかけして申し訳ございません。'), 'polite');
    });

    it('returns null for English, noun endings and ties', () => {
      assert.equal(japaneseRegister('Thanks, we have shipped your order.'), null);
      assert.equal(japaneseRegister('以上。'), null);
      assert.equal(japaneseRegister('送料無料'), null);
      assert.equal(japaneseRegister('本日は休業日だ。明日ご連絡ください。'), null);
    });
  });

  describe('placeholderText', () => {
    it('finds template placeholders and returns the token', () => {
      const cases: [string, string][] = [
        ['Hi {{customer_name}}, your order has shipped.', '{{customer_name}}'],
        ['Your refund of ${amount} will arrive within 5 days.', '${amount}'],
        ['Dear {name}, thanks for contacting us.', '{name}'],
        ['Please call [INSERT PHONE NUMBER] for help.', '[INSERT PHONE NUMBER]'],
        ['The release date is [TBD].', '[TBD]'],
        ['Best regards, [Your Name]', '[Your Name]'],
        ['Your tracking number is [ORDER NUMBER].', '[ORDER NUMBER]'],
        ['Send it to <placeholder> and we will check.', '<placeholder>'],
        ['Lorem ipsum dolor sit amet, consectetur adipiscing elit.', 'Lorem ipsum'],
        ['TODO: write the answer about refunds', 'TODO'],
        ['Call 0120-XXX-XXX to reach the store.', 'XXX'],
        ['N/A', 'N/A'],
        [' n/a. ', 'n/a.'],
        ['〇〇様、お問い合わせありがとうございます。', '〇〇'],
        ['○○店にてお受け取りいただけます。', '○○'],
        ['発売日は（未定）です。', '（未定）'],
        ['お名前：＿＿＿＿', '＿＿'],
      ];
      for (const [text, token] of cases) assert.equal(placeholderText(text), token, text);
    });

    it('leaves prices, order numbers, masked cards, UI labels and realistic answers alone', () => {
      for (const answer of REALISTIC_ANSWERS) assert.equal(placeholderText(answer), null, answer);
      assert.equal(placeholderText('None.'), null);
    });
  });

  describe('truncatedText', () => {
    it('flags answers ending in an ellipsis, a separator or a dangling word', () => {
      for (const text of [
        'We are sorry for the inconvenience...',
        'We are sorry for the inconvenience…',
        'Your refund will be processed within 5-7 business days,',
        'To change your address, follow these steps:',
        'You can return the item within 30 days and',
        'Your refund is on its way, but',
        'Please make sure to',
        'For more details, see the',
        '詳しくはこちらをご覧いただき、',
        '在庫を確認いたしましたが',
        'ご注文いただいた商品につきまして',
        '返品の際はお手数ですが返品理由を',
        '確認中です・・・',
      ]) {
        assert.equal(truncatedText(text), true, text);
      }
    });

    it('flags an unclosed bracket and a length at a common field limit', () => {
      assert.equal(truncatedText('Please check the FAQ (section 3'), true);
      assert.equal(truncatedText('返品の際は「返品理由'), true);
      const cut = `${'Please restart the router and wait two minutes before you try again. '.repeat(4)}If the light stays red, unplug it and check the ca`;
      assert.equal(truncatedText(cut.slice(0, 255)), true);
      assert.equal(truncatedText(cut.slice(1, 255)), false); // the same cut, one character shorter: nothing says it was cut
    });

    it('does not flag complete short answers or realistic answers without a final full stop', () => {
      for (const answer of REALISTIC_ANSWERS) assert.equal(truncatedText(answer), false, answer);
      assert.equal(truncatedText(''), false);
    });
  });

  describe('formatViolations', () => {
    const rules = { max_answer_words: 120, forbidden_phrases: ['As an AI', 'AI'], required_register: 'polite' as const };

    it('names each forbidden phrase found, case-insensitively and on word edges', () => {
      assert.deepEqual(formatViolations('as an AI language model, I cannot check your order.', rules), ['forbidden phrase "As an AI"', 'forbidden phrase "AI"']);
      assert.deepEqual(formatViolations('She said the parcel was left at the door.', rules), []);
    });

    it('counts English words and reports the count against the limit', () => {
      const answer = `${'Please restart the router and try again. '.repeat(21)}Thanks for your patience.`;
      assert.deepEqual(formatViolations(answer, rules), ['151 words > max_answer_words 120']);
    });

    it('counts Japanese words as characters / 2.5, rounded', () => {
      assert.equal(countWords('ご注文ありがとうございます。'), 5);
      assert.equal(countWords('iPhoneの画面'), 2);
      assert.equal(countWords("Don't worry, it's a 3-5 day e-mail delay."), 8);
      const polite = 'ご不便をおかけして申し訳ございません。'.repeat(20); // 360 Japanese letters: 144 words
      assert.deepEqual(formatViolations(polite, rules), ['144 words > max_answer_words 120']);
    });

    it('reports the wrong Japanese register, and never on English answers', () => {
      assert.deepEqual(formatViolations('返品はマイページからできる。送料は無料だ。', rules), ['plain form where polite is required']);
      assert.deepEqual(formatViolations('返品はマイページから可能です。', { forbidden_phrases: [], required_register: 'plain' }), ['polite form where plain is required']);
      assert.deepEqual(formatViolations('Returns are free.', rules), []);
    });
  });

  describe('LengthOutliers', () => {
    it('flags planted 20x-long answers per language and no normal ones, Japanese measured in characters', () => {
      const random = seededRandom(7);
      const lengths = new LengthOutliers();
      const planted: number[] = [];
      const englishWords = (count: number) => Array.from({ length: count }, () => 'refund').join(' ');
      for (let i = 0; i < 3000; i++) {
        if (i % 600 === 17) {
          planted.push(i);
          lengths.add(englishWords(20 * 37), 'en');
        } else if (i % 7 === 0) {
          lengths.add('お'.repeat(40 + Math.floor(random() * 110)), 'ja');
        } else if (i === 1501) {
          planted.push(i);
          lengths.add('お'.repeat(20 * 95), 'ja');
        } else {
          lengths.add(englishWords(15 + Math.floor(random() * 46)), 'en');
        }
      }
      assert.deepEqual(lengths.outliers(), planted);
      const ja = lengths.outlierBounds('ja');
      const en = lengths.outlierBounds('en');
      assert.ok(ja.high > 150 && ja.high < 1900, `ja bounds ${JSON.stringify(ja)}`);
      assert.ok(en.high > 60 && en.high < 740 && en.low < 15, `en bounds ${JSON.stringify(en)}`);
    });

    it('has no bounds for a group of fewer than 20 answers', () => {
      const lengths = new LengthOutliers();
      for (let i = 0; i < 10; i++) lengths.add('ご注文ありがとうございます。', 'ja');
      lengths.add('お'.repeat(5000), 'ja');
      assert.deepEqual(lengths.outlierBounds('ja'), { low: 0, high: Infinity });
      assert.deepEqual(lengths.outliers(), []);
    });
  });

  describe('DistinctNgrams', () => {
    it('estimates distinct bigrams within 5% of the exact count, English and Japanese mixed', () => {
      for (const questions of [300, 20000]) {
        const random = seededRandom(questions);
        const words = Array.from({ length: 3000 }, (_, i) => `w${i.toString(36)}`);
        const kana = [...'あいうえおかきくけこさしすせそたちつてとなにぬねのはひふへほまみむめもやゆよらりるれろわをん注文返品配送'];
        const distinct = new DistinctNgrams();
        const exact = new Set<string>();
        let total = 0;
        for (let q = 0; q < questions; q++) {
          const japanese = q % 7 === 0;
          const length = 4 + Math.floor(random() * 12);
          const tokens = Array.from({ length }, () => (japanese ? kana[Math.floor(random() * kana.length)] : words[Math.floor(random() ** 2 * words.length)]));
          distinct.add(japanese ? `${tokens.join('')}？` : `${tokens.join(' ')}?`);
          for (let i = 1; i < tokens.length; i++) exact.add(`${tokens[i - 1]} ${tokens[i]}`);
          total += tokens.length - 1;
        }
        assert.equal(distinct.total, total);
        const error = Math.abs(distinct.distinct - exact.size) / exact.size;
        assert.ok(error < 0.05, `${questions} questions: estimated ${distinct.distinct}, exact ${exact.size}`);
        assert.ok(Math.abs(distinct.distinctRatio() - exact.size / total) < 0.05);
      }
    });

    it('gives a low ratio to templated questions and 0 before any bigram', () => {
      const distinct = new DistinctNgrams();
      assert.equal(distinct.distinctRatio(), 0);
      for (let i = 0; i < 1000; i++) distinct.add(`Where is my order ${i % 5}?`);
      assert.ok(distinct.distinctRatio() < 0.01, String(distinct.distinctRatio()));
    });
  });

  describe('categoryBalance', () => {
    it('is 1 for equally frequent categories and low for a dominant one', () => {
      assert.ok(Math.abs(categoryBalance({ billing: 120, shipping: 120, returns: 120 }) - 1) < 1e-12);
      assert.ok(categoryBalance(new Map([['billing', 990], ['shipping', 10]])) < 0.1);
      const balance = categoryBalance({ billing: 50, shipping: 30, returns: 20, empty: 0 });
      assert.ok(balance > 0.9 && balance < 1, String(balance));
    });

    it('is 0 when every record is in one category, 1 when there are no records', () => {
      assert.equal(categoryBalance(new Map([['billing', 500]])), 0);
      assert.equal(categoryBalance({}), 1);
    });
  });

  describe('BloomFilter', () => {
    it('holds the same bits whether items are added one by one or in bulk, region by region', () => {
      const random = seededRandom(5);
      const hash = () => Math.floor(random() * 2 ** 32);
      const pairs = new Uint32Array(2 * 1_000_000).map(hash);
      // A million items at 1% take about 1.25 MB: queued in 8 regions.
      const single = new BloomFilter(1_000_000, 0.01);
      for (let i = 0; i < pairs.length; i += 2) single.add(pairs[i]!, pairs[i + 1]!);
      const bulk = new BloomFilter(1_000_000, 0.01);
      for (const [from, to] of [[0, 2], [2, 100_000], [100_000, 100_000], [100_000, pairs.length]] as const) bulk.addAll(pairs.subarray(from, to));
      for (let i = 0; i < pairs.length; i += 2) assert.ok(bulk.has(pairs[i]!, pairs[i + 1]!), `item ${i / 2} missing`);
      let differ = 0;
      let positives = 0;
      for (let i = 0; i < 200_000; i++) {
        const [a, b] = [hash(), hash()];
        if (bulk.has(a, b) !== single.has(a, b)) differ++;
        if (bulk.has(a, b)) positives++;
      }
      assert.equal(differ, 0);
      // About 1% of random probes are false positives: both filters must give the same ones.
      assert.ok(positives > 1000, `${positives} false positives: the probes test nothing`);
    });
  });

  describe('NgramBloom', () => {
    const trainAnswer = 'To reset your password, open Settings, tap Account and choose Reset Password. We will email you a link.';

    it('finds a test answer copied from training despite case and punctuation changes', () => {
      const bloom = new NgramBloom(1000);
      bloom.addText(trainAnswer);
      assert.equal(bloom.overlap('to reset your password open settings tap account and choose reset password -- we will email you a link'), 1);
      assert.equal(bloom.overlap('Your parcel left our warehouse this morning and should arrive on Friday.'), 0);
      // 5 of the 14 word 8-grams lie inside the copied first sentence.
      const half = bloom.overlap('To reset your password, open Settings, tap Account and choose Reset Password. Then call us if the link does not arrive.');
      assert.ok(half > 0.2 && half < 0.6, String(half));
    });

    it('treats text shorter than n as one n-gram: only the same short text overlaps', () => {
      const bloom = new NgramBloom(1000);
      bloom.addText('Yes, you can.');
      assert.equal(bloom.overlap('yes you can'), 1);
      assert.equal(bloom.overlap('Yes, you can return it.'), 0);
      assert.equal(bloom.overlap('!!!'), 0);
    });

    it('uses character 13-grams for Japanese', () => {
      const bloom = new NgramBloom(1000);
      bloom.addText('パスワードを再設定するには、設定画面からアカウントを選び、パスワード再設定をタップしてください。');
      assert.equal(bloom.overlap('パスワードを再設定するには設定画面からアカウントを選びパスワード再設定をタップしてください'), 1);
      assert.equal(bloom.overlap('ご注文の商品は本日発送いたしました。到着まで今しばらくお待ちください。'), 0);
    });

    it('takes n-grams hashed elsewhere as if their text were added', () => {
      const japanese = 'ご注文の商品は本日発送いたしました。到着まで今しばらくお待ちください。';
      const pairs: number[] = [];
      const hasher = new NgramHasher();
      let count = 0;
      for (const text of [trainAnswer, japanese]) count += hasher.each(text, (hash1, hash2) => pairs.push(hash1, hash2));
      // 18 words give 11 word 8-grams; 33 Japanese characters, 21 character 13-grams.
      assert.equal(count, 11 + 21);
      const hashed = new NgramBloom(1000);
      hashed.addHashes(new Uint32Array(pairs));
      const added = new NgramBloom(1000);
      added.addText(trainAnswer);
      added.addText(japanese);
      for (const probe of [trainAnswer, japanese, 'To reset your password, open Settings. Then call us.', 'Yes, you can.']) {
        assert.equal(hashed.overlap(probe), added.overlap(probe), probe);
      }
      assert.equal(hashed.overlap(japanese), 1);
      assert.equal(new NgramBloom(1000).overlap(japanese), 0);
    });

    it('keeps the false positive rate near its target', () => {
      const expected = 20000;
      const bloom = new NgramBloom(expected, 0.01);
      const random = seededRandom(11);
      const word = (prefix: string) => `${prefix}${Math.floor(random() * 1e6).toString(36)}`;
      for (let i = 0; i < expected; i++) bloom.addText(`${word('a')} ${word('a')} ${word('a')}`);
      let falsePositives = 0;
      const probes = 20000;
      for (let i = 0; i < probes; i++) falsePositives += bloom.overlap(`${word('b')} ${word('b')} ${word('b')}`);
      const rate = falsePositives / probes;
      assert.ok(rate > 0.005 && rate < 0.016, `false positive rate ${rate}`);
      assert.ok(bloom.byteLength < expected * 1.3, `${bloom.byteLength} bytes`);
    });
  });
});

