/**
 * Throughput of the per-record quality signals: every signal on 200,000 generated support records (85% English,
 * 15% Japanese), as the streaming data phase runs them, plus the corpus-level results after the pass.
 * Run: npx tsc -p tsconfig.json && node dist/scripts/bench/signals-micro.js [records]
 * The last line is machine-readable: RESULT signals records_per_s=<n>
 */
import { placeholderText, truncatedText } from '../../src/activities/data/signals/accuracy-rules';
import { NgramBloom } from '../../src/activities/data/signals/contamination';
import { categoryBalance, DistinctNgrams } from '../../src/activities/data/signals/diversity';
import { formatViolations, type FormatRules } from '../../src/activities/data/signals/format-rules';
import { detectLanguage, languageMismatch } from '../../src/activities/data/signals/language';
import { LengthOutliers } from '../../src/activities/data/signals/length-outliers';
import { seededRandom } from '../../test/support/seeded-random';

interface SupportRecord {
  question: string;
  answer: string;
  category: string;
}

const EN_QUESTIONS = [
  'How do I reset my password for the {product} app?',
  'Where is my order {order}? It was supposed to arrive yesterday.',
  'Can I return the {product} I bought last week if I already opened the box?',
  'I was charged {price} twice for the same order, can you refund one of them?',
  'My {product} will not turn on after the latest update. What should I do?',
  'Do you ship to Canada, and how long does delivery usually take?',
];
const EN_SENTENCES = [
  'Thanks for reaching out, and sorry for the trouble with your {product}.',
  'You can reset your password from Settings > Account > Security, then follow the link we email you.',
  'Your order {order} left our warehouse this morning and should arrive within 2-3 business days.',
  'We have refunded the duplicate charge of {price}; it can take up to 5 business days to appear on your statement.',
  'Unopened items can be returned within 30 days, and opened items within 14 days if all accessories are included.',
  'Please hold the power button for 15 seconds, then plug the {product} into the original charger for an hour.',
  'If the problem continues, reply to this message with a photo of the serial number and we will arrange a replacement.',
  'Let us know if there is anything else we can help with.',
];
const JA_QUESTIONS = [
  '{product}のパスワードを忘れてしまいました。再設定の方法を教えてください。',
  '注文番号{order}の商品がまだ届きません。配送状況を確認できますか？',
  '購入した{product}を返品したいのですが、開封済みでも可能でしょうか？',
  '同じ注文で{price}が二重に請求されています。返金をお願いできますか？',
];
const JA_SENTENCES = [
  'お問い合わせいただきありがとうございます。',
  'ご不便をおかけして申し訳ございません。',
  'パスワードは「設定」→「アカウント」→「セキュリティ」から再設定いただけます。',
  'ご注文番号{order}の商品は本日発送いたしました。お届けまで2〜3営業日ほどお待ちください。',
  '二重に請求された{price}は返金手続きを完了いたしました。反映まで最大5営業日かかる場合がございます。',
  '未開封の商品は30日以内、開封済みの商品は付属品がすべて揃っている場合に限り14日以内に返品いただけます。',
  'ほかにご不明な点がございましたら、お気軽にお問い合わせください。',
];
const PRODUCTS = ['iPhone 15 Pro', 'Galaxy Buds', 'AirPods Max', 'Kindle Paperwhite', 'Echo Dot', 'Pixel Watch'];
const CATEGORIES = ['account', 'shipping', 'returns', 'billing', 'devices'];

function generateRecords(count: number, seed: number): SupportRecord[] {
  const random = seededRandom(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
  const fill = (template: string) =>
    template
      .replace('{product}', pick(PRODUCTS))
      .replace('{order}', `#${100000 + Math.floor(random() * 900000)}`)
      .replace('{price}', `$${(5 + random() * 200).toFixed(2)}`);
  const records: SupportRecord[] = [];
  for (let i = 0; i < count; i++) {
    const japanese = random() < 0.15;
    const sentences = 1 + Math.floor(random() * 4);
    const parts: string[] = [];
    for (let s = 0; s < sentences; s++) parts.push(fill(pick(japanese ? JA_SENTENCES : EN_SENTENCES)));
    const record = { question: fill(pick(japanese ? JA_QUESTIONS : EN_QUESTIONS)), answer: parts.join(japanese ? '' : ' '), category: pick(CATEGORIES) };
    // Through JSON, as the data phase reads records from JSONL: flat strings, not the rope strings `replace` builds,
    // which cost V8 an indirection on every character read.
    records.push(JSON.parse(JSON.stringify(record)) as SupportRecord);
  }
  return records;
}

const RULES: FormatRules = { max_answer_words: 120, forbidden_phrases: ['As an AI', 'I cannot help'], required_register: 'polite' };
/** One record in ten is held out as test data and checked against the training n-grams instead of added. */
const TEST_EVERY = 10;
/** Sizes the Bloom filter: answers here run up to about 60 words. */
const EXPECTED_NGRAMS_PER_ANSWER = 60;

/** Every per-record signal, then the corpus-level results; returns a checksum so nothing is optimised away. */
function runSignals(records: readonly SupportRecord[]): number {
  const lengths = new LengthOutliers();
  const distinct = new DistinctNgrams();
  const bloom = new NgramBloom(records.length * EXPECTED_NGRAMS_PER_ANSWER);
  const categories = new Map<string, number>();
  let flagged = 0;
  let overlap = 0;
  for (let i = 0; i < records.length; i++) {
    const { question, answer, category } = records[i];
    const language = detectLanguage(answer);
    if (languageMismatch(question, answer)) flagged++;
    if (placeholderText(answer) !== null) flagged++;
    if (truncatedText(answer)) flagged++;
    flagged += formatViolations(answer, RULES).length;
    lengths.add(answer, language);
    distinct.add(question);
    categories.set(category, (categories.get(category) ?? 0) + 1);
    if (i % TEST_EVERY === 0) overlap += bloom.overlap(answer);
    else bloom.addText(answer);
  }
  const outliers = lengths.outliers().length;
  return flagged + outliers + overlap + distinct.distinctRatio() + categoryBalance(categories);
}

/**
 * Each signal alone over all records, to show where the time goes. Alone, each signal reads its text from main
 * memory; in the full pass the text is already in cache, and the answer's language is remembered from
 * detectLanguage, so the parts add up to more than the whole.
 */
function signalCosts(records: readonly SupportRecord[]): [string, (record: SupportRecord, index: number) => unknown][] {
  const lengths = new LengthOutliers();
  const distinct = new DistinctNgrams();
  const bloom = new NgramBloom(records.length * EXPECTED_NGRAMS_PER_ANSWER);
  let characters = 0;
  return [
    ['read every character once (the floor)', (r) => (characters += sumOfCodes(r.question) + sumOfCodes(r.answer))],
    ['detectLanguage(answer)', (r) => detectLanguage(r.answer)],
    ['languageMismatch(question, answer), cold', (r) => languageMismatch(r.question, r.answer)],
    ['placeholderText(answer)', (r) => placeholderText(r.answer)],
    ['truncatedText(answer)', (r) => truncatedText(r.answer)],
    ['formatViolations(answer) with register', (r) => formatViolations(r.answer, RULES)],
    ['LengthOutliers.add(answer)', (r) => lengths.add(r.answer, 'en')],
    ['DistinctNgrams.add(question)', (r) => distinct.add(r.question)],
    ['NgramBloom.addText or overlap(answer)', (r, i) => (i % TEST_EVERY === 0 ? bloom.overlap(r.answer) : bloom.addText(r.answer))],
  ];
}

function sumOfCodes(text: string): number {
  let sum = 0;
  for (let i = 0; i < text.length; i++) sum += text.charCodeAt(i);
  return sum;
}

function microseconds(started: bigint, count: number): number {
  return Number(process.hrtime.bigint() - started) / 1e3 / count;
}


function main(): void {
  const count = Number(process.argv[2] ?? 200_000);
  const records = generateRecords(count, 42);
  runSignals(records.slice(0, 20_000)); // warm-up: let the JIT compile the hot paths first
  for (const [name, signal] of signalCosts(records)) {
    const started = process.hrtime.bigint();
    for (let i = 0; i < records.length; i++) signal(records[i], i);
    console.log(`  ${name.padEnd(40)} ${microseconds(started, count).toFixed(2)} µs/record`);
  }
  const started = process.hrtime.bigint();
  const cpuStarted = process.cpuUsage();
  const checksum = runSignals(records);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const cpu = process.cpuUsage(cpuStarted);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  // On a shared machine wall time includes waiting for a core; CPU time shows what the signals themselves cost.
  console.log(
    `all signals, ${count} records: ${seconds.toFixed(3)} s wall (${((seconds / count) * 1e6).toFixed(2)} µs/record), ` +
      `${cpuSeconds.toFixed(3)} s CPU (${Math.round(count / cpuSeconds)} records/s of CPU), checksum ${checksum.toFixed(3)}`,
  );
  console.log(`RESULT signals records_per_s=${Math.round(count / seconds)}`);
}

main();
