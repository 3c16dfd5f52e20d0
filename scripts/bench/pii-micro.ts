/**
 * Throughput of the PII redactor on synthetic support sentences, one in ten with PII.
 * Run after a build: `node dist/scripts/bench/pii-micro.js [records]` (default 200000).
 */
import { createPiiRedactor } from '../../src/activities/data/pii';

const CLEAN = [
  'How do I reset my password? I tried twice and the link expired.',
  'My order #{n} arrived on 2024-01-15 but the box was damaged.',
  'The invoice says ¥12,800 but I was charged ¥13,200 on 2024/02/03.',
  'After updating to version 2.{d}.1 the app crashes at 10:30 every morning.',
  'Can I change the delivery address for order ORD-2024-{n}?',
  '注文番号{n}の商品がまだ届いていません。',
  'パスワードを忘れてしまいました。再設定の方法を教えてください。',
  '3個注文したのに2個しか届きませんでした。合計は4,980円です。',
  'I would like a refund for SKU HP-2041, bought {d} days ago.',
  'Thanks, the issue is resolved!',
];
const WITH_PII = [
  'Please call me back at 415-555-{p} after 5pm.',
  '連絡先は090-{p}-5678です。',
  'My email is customer{n}@example.com, please reply there.',
  'I paid with card 4111 1111 1111 1111 and was charged twice.',
  'メールアドレスはtaro{n}@example.co.jpです。電話は03-1234-{p}。',
];

function sentences(count: number): string[] {
  let seed = 42;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  const fill = (template: string) =>
    template
      .replace('{n}', String(10000 + Math.floor(random() * 90000)))
      .replace('{d}', String(Math.floor(random() * 30)))
      .replace('{p}', String(1000 + Math.floor(random() * 9000)));
  return Array.from({ length: count }, (_, i) => {
    const templates = i % 10 === 0 ? WITH_PII : CLEAN;
    return fill(templates[Math.floor(random() * templates.length)]);
  });
}

function main(): void {
  const count = Number(process.argv[2] ?? 200_000);
  const texts = sentences(count);
  const redact = createPiiRedactor();
  for (const text of texts.slice(0, 20_000)) redact(text); // warm up the JIT
  let redacted = 0;
  const started = process.hrtime.bigint();
  for (const text of texts) if (redact(text).kinds.length > 0) redacted++;
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  console.log(
    `${count} records in ${seconds.toFixed(3)} s: ${Math.round(count / seconds)} records/s, ` +
      `${((seconds / count) * 1e6).toFixed(2)} µs/record, ${redacted} redacted`,
  );
}

main();
