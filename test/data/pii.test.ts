import assert from 'node:assert/strict';
import { ApplicationFailure } from '@temporalio/common';
import { checkCustomPiiPattern, createPiiRedactor, PII_PLACEHOLDERS } from '../../src/activities/data/pii';
import { seededRandom } from '../support/seeded-random';

const redact = createPiiRedactor();

/** Asserts that each text is returned exactly as given, with no kind reported. */
function assertUntouched(texts: string[]): void {
  for (const text of texts) assert.deepEqual(redact(text), { text, kinds: [] }, text);
}

/** Asserts that each PII value, put into `sentence` at `{}`, is replaced by the placeholder and nothing else changes. */
function assertRedacted(sentence: string, values: string[], placeholder: string): void {
  for (const value of values) assert.equal(redact(sentence.replace('{}', value)).text, sentence.replace('{}', placeholder), value);
}

describe('PII redaction', () => {
  it('replaces e-mail addresses, with tags and subdomains, by <EMAIL> and leaves sentence punctuation', () => {
    assert.deepEqual(redact('Hi, please send the invoice to jane.doe+billing@mail.example.co.uk. Thanks!'), {
      text: 'Hi, please send the invoice to <EMAIL>. Thanks!',
      kinds: ['email'],
    });
    assert.equal(redact('返信先は(taro_yamada@example.jp)です').text, '返信先は(<EMAIL>)です');
    assert.equal(redact('ドコモのアドレス09012345678@docomo.ne.jpに送ってください').text, 'ドコモのアドレス<EMAIL>に送ってください');
  });

  it('finds e-mail addresses written in full-width characters', () => {
    assert.equal(redact('メールはｔａｒｏ＠ｅｘａｍｐｌｅ．ｃｏ．ｊｐまでお願いします。').text, 'メールは<EMAIL>までお願いします。');
  });

  it('replaces US and international phone numbers in their usual formats', () => {
    const sentence = 'Please call me back at {} after 5pm.';
    assertRedacted(sentence, ['(415) 555-0132', '415-555-0132', '415.555.0132', '1-800-555-0199', '+1 415 555 0132', '+1 (415) 555-0132'], '<PHONE>');
    assertRedacted(sentence, ['+81 90-1234-5678', '+81-3-1234-5678', '+44 20 7946 0958', '+44 (0)20 7946 0958', '+33 1 23 45 67 89'], '<PHONE>');
  });

  it('replaces Japanese mobile, landline and toll-free numbers', () => {
    const sentence = '日中は{}にご連絡ください。';
    assertRedacted(sentence, ['090-1234-5678', '080 1234 5678', '07012345678', '03-1234-5678', '06-1234-5678', '045-123-4567'], '<PHONE>');
    assertRedacted(sentence, ['0120-123-456', '0800-123-4567', '03(1234)5678', '0312345678'], '<PHONE>');
  });

  it('replaces phone numbers written with full-width digits and Japanese dashes', () => {
    const sentence = '電話番号：{}（平日のみ）';
    assertRedacted(sentence, ['０３－１２３４－５６７８', '０９０ー１２３４ー５６７８', '090−1234−5678', '０９０　１２３４　５６７８', '＋８１ ９０-１２３４-５６７８'], '<PHONE>');
    assert.equal(redact('（090-1234-5678）まで').text, '（<PHONE>）まで');
  });

  it('leaves order numbers, dates, times, prices, versions, years and SKU codes alone', () => {
    assertUntouched([
      'Order #12345 was placed on 2024-01-15 at 10:30 and shipped 2024/01/17.',
      'I was charged $1,299.99 instead of ¥12,800 (12,800円) for SKU HP-2041.',
      'The app crashes since version 2.14.1 (build 10.0.19045.3803) on Windows 11.',
      'We have been customers since 2019; delivery takes 1-2 business days, 9:00-18:00.',
      '注文番号ORD-2024-000123の荷物（伝票番号1234-5678-9012）が2024年1月15日から届きません。',
      'Invoice INV-20240115-0042 lists 1,000,000 points, valid until 01/15/2025.',
    ]);
  });

  it('redacts only the phone number when other figures sit beside it', () => {
    assert.equal(redact('Call +1 415 555 0132 24 hours a day, 7 days a week.').text, 'Call <PHONE> 24 hours a day, 7 days a week.');
    assert.equal(redact('Ticket HP-2041 415 555 0132 ext. 12').text, 'Ticket HP-2041 <PHONE> ext. 12');
  });

  it('replaces Luhn-valid card numbers, bare, spaced or hyphenated', () => {
    const sentence = 'My card {} was charged twice.';
    assertRedacted(sentence, ['4111 1111 1111 1111', '4111-1111-1111-1111', '5555555555554444', '3782 822463 10005', '6011000990139424'], '<CREDIT_CARD>');
    assert.equal(redact('カード番号は４１１１－１１１１－１１１１－１１１１です').text, 'カード番号は<CREDIT_CARD>です');
  });

  it('leaves a 16-digit order id that fails the Luhn check alone', () => {
    assertUntouched(['Order 4111111111111112 has not arrived.', 'Your reference is 1234 5678 9012 3456.']);
  });

  it('replaces IBANs that pass the mod-97 check, with or without spaces, and leaves failing ones', () => {
    assert.deepEqual(redact('Please refund to DE89 3704 0044 0532 0130 00 or GB82WEST12345698765432.'), {
      text: 'Please refund to <IBAN> or <IBAN>.',
      kinds: ['iban'],
    });
    assertRedacted('My IBAN is {} for the refund.', ['ES67 1715 9423 2692 4760 2791', 'es6717159423269247602791'], '<IBAN>');
    assert.equal(redact('Use ES67 1715 9423 2692 4760 2791 with care.').text, 'Use <IBAN> with care.');
    assertUntouched(['Refund to DE89 3704 0044 0532 0130 01 please.', 'Model XY12ABCDEFGHIJKLM is out of stock.']);
  });

  it('replaces IPv4 and IPv6 addresses, full and compressed, but not version numbers', () => {
    const sentence = 'The login attempt came from {}.';
    assertRedacted(sentence, ['192.168.0.1', '8.8.8.8', '2001:0db8:85a3:0000:0000:8a2e:0370:7334', '2001:db8::8a2e:370:7334', 'fe80::1', '::ffff:192.0.2.1'], '<IP_ADDRESS>');
    assertUntouched(['Upgrade from 1.2.3.4.5 to v1.2.3.4 fixed it.', 'Not an address: 256.10.10.10, 10:30:00, 00:1a:2b:3c:4d:5e, std::vector.']);
  });

  it('replaces Japanese postal codes after 〒 or 郵便番号, or before a prefecture, keeping the label', () => {
    assert.deepEqual(redact('送付先：〒123-4567 東京都千代田区1-2-3'), { text: '送付先：〒<POSTAL_CODE> 東京都千代田区1-2-3', kinds: ['postal_code'] });
    assert.equal(redact('郵便番号は１２３－４５６７です。').text, '郵便番号は<POSTAL_CODE>です。');
    assert.equal(redact('〒１２３－４５６７').text, '〒<POSTAL_CODE>');
    assert.equal(redact('Postal code: 1234567').text, 'Postal code: <POSTAL_CODE>');
    assert.equal(redact('住所は530-0001 大阪府大阪市北区です').text, '住所は<POSTAL_CODE> 大阪府大阪市北区です');
  });

  it('leaves a bare 123-4567 without such context alone: it is as often a part or ticket number', () => {
    assertUntouched(['Part 123-4567 is back in stock.', '問い合わせ番号123-4567について']);
  });

  it('redacts several kinds in one text and lists each kind once, in a stable order', () => {
    const result = redact('Call 090-1234-5678 or 03-1234-5678, mail me at a.b@example.com, card 4111111111111111, from 10.0.0.7.');
    assert.equal(result.text, 'Call <PHONE> or <PHONE>, mail me at <EMAIL>, card <CREDIT_CARD>, from <IP_ADDRESS>.');
    assert.deepEqual(result.kinds, ['email', 'phone', 'credit_card', 'ip_address']);
  });

  it('returns the text unchanged when it holds no PII', () => {
    const text = 'パスワードを忘れてしまいました。再設定の方法を教えてください。';
    const result = redact(text);
    assert.equal(result.text, text);
    assert.deepEqual(result.kinds, []);
  });

  it('exposes one placeholder per built-in kind', () => {
    assert.deepEqual(PII_PLACEHOLDERS, {
      email: '<EMAIL>',
      phone: '<PHONE>',
      credit_card: '<CREDIT_CARD>',
      iban: '<IBAN>',
      ip_address: '<IP_ADDRESS>',
      postal_code: '<POSTAL_CODE>',
    });
  });

  describe('custom patterns from the spec', () => {
    it('replaces matches with the given placeholder, or the upper-cased name, after the built-in kinds', () => {
      const redactCustom = createPiiRedactor([
        { name: 'member_id', pattern: 'M-\\d{8}' },
        { name: 'employee', pattern: 'EMP\\d{5}', placeholder: '[STAFF]' },
      ]);
      assert.deepEqual(redactCustom('Member M-12345678 was helped by EMP00042 (emp00042@corp.example).'), {
        text: 'Member <MEMBER_ID> was helped by [STAFF] (<EMAIL>).',
        kinds: ['email', 'member_id', 'employee'],
      });
    });

    it('sees full-width digits as ASCII, like the built-in detectors', () => {
      const redactCustom = createPiiRedactor([{ name: 'member_id', pattern: 'M-\\d{8}' }]);
      assert.equal(redactCustom('会員番号はＭ－１２３４５６７８です').text, '会員番号は<MEMBER_ID>です');
    });

    it('accepts a usable pattern', () => {
      assert.equal(checkCustomPiiPattern({ name: 'member_id', pattern: 'M-\\d{8}', placeholder: '<MEMBER>' }), null);
    });

    it('explains what is wrong with an unusable pattern', () => {
      const problem = (pattern: string, name = 'member_id', placeholder?: string) => checkCustomPiiPattern({ name, pattern, placeholder }) ?? '';
      assert.match(problem('M-(\\d{8}'), /not a valid regular expression with flags 'gu'.*Unterminated group/);
      assert.match(problem('\\d*'), /can match the empty string/);
      assert.match(problem('\\b'), /can match the empty string/);
      assert.match(problem('M-\\d+', 'member id'), /must start with a letter and hold only letters, digits and underscores/);
      assert.match(problem('M-\\d+', 'email'), /is a built-in PII kind/);
      assert.match(problem('M-\\d+', 'member_id', ' '), /placeholder must not be empty/);
    });

    it('refuses to build a redactor from an unusable or repeated pattern', () => {
      const isSpecFailure = (message: RegExp) => (error: unknown) =>
        error instanceof ApplicationFailure && error.type === 'InvalidPipelineSpec' && message.test(error.message);
      assert.throws(() => createPiiRedactor([{ name: 'x', pattern: '(' }]), isSpecFailure(/custom PII pattern "x": pattern is not a valid/));
      const twice = [
        { name: 'x', pattern: 'a' },
        { name: 'x', pattern: 'b' },
      ];
      assert.throws(() => createPiiRedactor(twice), isSpecFailure(/"x" is defined twice/));
    });
  });

  describe('over generated support messages', () => {
    it('finds at least 99% of 1,000 phone numbers, e-mail addresses, cards, IBANs and IP addresses', () => {
      const random = seededRandom(7);
      const samples = Array.from({ length: 1000 }, () => {
        const [value, placeholder] = pick(random, PII_GENERATORS)(random);
        const sentence = pick(random, PII_SENTENCES);
        return { input: sentence.replace('{}', value), expected: sentence.replace('{}', placeholder) };
      });
      const missed = samples.filter(({ input, expected }) => redact(input).text !== expected);
      assert.ok(missed.length <= 10, `recall ${(1 - missed.length / 1000).toFixed(3)}; missed e.g. ${JSON.stringify(missed.slice(0, 5))}`);
    });

    it('changes at most 1% of 1,000 messages full of order ids, dates, times, prices and versions', () => {
      const random = seededRandom(11);
      const samples = Array.from({ length: 1000 }, () => {
        const parts = [pick(random, LOOKALIKES)(random), pick(random, LOOKALIKES)(random), pick(random, LOOKALIKES)(random)];
        return pick(random, LOOKALIKE_SENTENCES).replace(/\{\}/g, () => parts.shift() ?? '');
      });
      const changed = samples.filter((text) => redact(text).text !== text);
      assert.ok(changed.length <= 10, `false positives ${changed.length / 10}%; e.g. ${JSON.stringify(changed.slice(0, 5))}`);
    });
  });
});

type Random = () => number;


const pick = <T>(random: Random, items: readonly T[]): T => items[Math.floor(random() * items.length)];
const digits = (random: Random, count: number) => Array.from({ length: count }, () => Math.floor(random() * 10)).join('');
const between = (random: Random, low: number, high: number) => low + Math.floor(random() * (high - low + 1));
const fullWidth = (text: string) => text.replace(/[0-9-]/g, (c) => (c === '-' ? '－' : String.fromCharCode(c.charCodeAt(0) + 0xfee0)));

function luhnComplete(prefix: string, length: number, random: Random): string {
  const body = prefix + digits(random, length - prefix.length - 1);
  for (let check = 0; check <= 9; check++) {
    const candidate = body + check;
    const sum = [...candidate].reverse().reduce((total, c, i) => total + (i % 2 ? [0, 2, 4, 6, 8, 1, 3, 5, 7, 9][+c] : +c), 0);
    if (sum % 10 === 0) return candidate;
  }
  throw new Error('unreachable');
}

function ibanFor(country: string, bban: string): string {
  const numeric = [...`${bban}${country}00`].map((c) => parseInt(c, 36)).join('');
  return `${country}${String(98n - (BigInt(numeric) % 97n)).padStart(2, '0')}${bban}`;
}

/** Each returns a PII value in one of the formats people write, and its placeholder. */
const PII_GENERATORS: ((random: Random) => [string, string])[] = [
  (r) => [`(${between(r, 201, 989)}) ${between(r, 200, 999)}-${digits(r, 4)}`, '<PHONE>'],
  (r) => [[between(r, 201, 989), between(r, 200, 999), digits(r, 4)].join(pick(r, ['-', '.', ' '])), '<PHONE>'],
  (r) => [`+1 ${between(r, 201, 989)} ${between(r, 200, 999)} ${digits(r, 4)}`, '<PHONE>'],
  (r) => [`+44 20 ${digits(r, 4)} ${digits(r, 4)}`, '<PHONE>'],
  (r) => [`+81 ${pick(r, ['70', '80', '90'])}-${digits(r, 4)}-${digits(r, 4)}`, '<PHONE>'],
  (r) => [[`0${pick(r, ['7', '8', '9'])}0`, digits(r, 4), digits(r, 4)].join(pick(r, ['-', ' ', '', 'ー'])), '<PHONE>'],
  (r) => [fullWidth(`0${pick(r, ['7', '8', '9'])}0-${digits(r, 4)}-${digits(r, 4)}`), '<PHONE>'],
  (r) => [pick(r, [`03-${digits(r, 4)}-${digits(r, 4)}`, `06-${digits(r, 4)}-${digits(r, 4)}`, `045-${digits(r, 3)}-${digits(r, 4)}`, `0120-${digits(r, 3)}-${digits(r, 3)}`]), '<PHONE>'],
  (r) => [fullWidth(`03-${digits(r, 4)}-${digits(r, 4)}`), '<PHONE>'],
  (r) => [`${pick(r, ['taro', 'j.smith', 'support+order', 'hanako_y', 'm.garcia2024'])}${between(r, 1, 99)}@${pick(r, ['example.com', 'mail.example.co.jp', 'corp.example.org', 'docomo.ne.jp'])}`, '<EMAIL>'],
  (r) => {
    const card = luhnComplete(pick(r, ['4', '51', '55', '6011', '35']), 16, r);
    return [pick(r, [card, card.replace(/(\d{4})(?=\d)/g, '$1 '), card.replace(/(\d{4})(?=\d)/g, '$1-')]), '<CREDIT_CARD>'];
  },
  (r) => [luhnComplete(pick(r, ['34', '37']), 15, r).replace(/^(\d{4})(\d{6})/, '$1 $2 '), '<CREDIT_CARD>'],
  (r) => {
    const iban = ibanFor(pick(r, ['DE', 'FR', 'NL', 'ES']), digits(r, 18));
    return [pick(r, [iban, iban.replace(/(.{4})(?=.)/g, '$1 ')]), '<IBAN>'];
  },
  (r) => [[between(r, 1, 223), between(r, 0, 255), between(r, 0, 255), between(r, 1, 254)].join('.'), '<IP_ADDRESS>'],
  (r) => [`2001:db8:${between(r, 1, 0xffff).toString(16)}::${between(r, 1, 0xffff).toString(16)}`, '<IP_ADDRESS>'],
];

const PII_SENTENCES = [
  'Please reach me at {} about order #48213.',
  'My details: {}. I have been waiting since 2024-03-02.',
  '{} is the one on file, can you update it?',
  '連絡先は{}です。注文番号は12345678です。',
  '先ほど{}から問い合わせました（2024年3月2日 14:05）。',
  'Hi team, {} — this is urgent, the ¥12,800 charge is wrong.',
];

/** Each returns a figure that looks like PII to a careless detector but is not. */
const LOOKALIKES: ((random: Random) => string)[] = [
  (r) => `#${between(r, 1000, 999999)}`,
  (r) => `ORD-${between(r, 2019, 2025)}-${digits(r, 6)}`,
  (r) => `${between(r, 1, 9)}${digits(r, between(r, 5, 9))}`,
  (r) => `${between(r, 2019, 2025)}-${String(between(r, 1, 12)).padStart(2, '0')}-${String(between(r, 1, 28)).padStart(2, '0')}`,
  (r) => `${between(r, 2019, 2025)}/${between(r, 1, 12)}/${between(r, 1, 28)}`,
  (r) => `${between(r, 2019, 2025)}年${between(r, 1, 12)}月${between(r, 1, 28)}日`,
  (r) => `${String(between(r, 1, 12)).padStart(2, '0')}/${String(between(r, 1, 28)).padStart(2, '0')}/${between(r, 2019, 2025)}`,
  (r) => `${between(r, 0, 23)}:${String(between(r, 0, 59)).padStart(2, '0')}`,
  (r) => `$${between(r, 1, 9)},${digits(r, 3)}.${digits(r, 2)}`,
  (r) => `¥${between(r, 1, 99)},${digits(r, 3)}`,
  (r) => `${between(r, 1, 99)},${digits(r, 3)}円`,
  (r) => `v${between(r, 1, 20)}.${between(r, 0, 30)}.${between(r, 0, 99)}`,
  (r) => `${between(r, 1, 12)}.${between(r, 0, 9)}.${between(r, 0, 9)}.${between(r, 0, 9)}.${between(r, 0, 9)}`,
  (r) => `${pick(r, ['HP', 'SKU', 'AB', 'XL'])}-${between(r, 100, 9999)}`,
  (r) => `${digits(r, 4)}-${digits(r, 4)}-${digits(r, 4)}`,
  (r) => `${between(r, 2, 99)}%`,
  (r) => `${between(r, 1990, 2025)}`,
];

const LOOKALIKE_SENTENCES = [
  'Order {} placed on {} still shows {} as the status.',
  'I paid {} on {}, reference {}.',
  '注文{}（{}）の金額が{}になっています。',
  'Since the update to {} on {} the app freezes ({}).',
  '{}に注文した{}がまだ届きません。伝票番号は{}です。',
];
