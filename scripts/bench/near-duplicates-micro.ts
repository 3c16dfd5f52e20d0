/**
 * Micro-benchmark of the near-duplicate index: 200k generated support texts (English, Japanese, Japanese with
 * English product names; one in five a near-duplicate of an earlier text), each added once. Prints texts/s and
 * bytes held per text; the last line is machine-readable:
 *   RESULT near_duplicates texts_per_s=<n> bytes_per_text=<n>
 * Run: npx tsc -p tsconfig.json && node dist/scripts/bench/near-duplicates-micro.js [texts]
 */
import { NearDuplicateIndex } from '../../src/activities/data/near-duplicates';
import { english, japanese, pick, seededRandom, type Random } from '../../test/data/near-duplicates-corpus';

const TEXTS = Number(process.argv[2] ?? 200_000);
const ROUNDS = 3;

/**
 * Mostly distinct texts, the worst case for memory (near-duplicates share bucket entries): templated answers with
 * a third of their words (or Japanese characters) replaced by words and characters of other answers.
 */
function generateTexts(random: Random, count: number): string[] {
  const texts: string[] = [];
  const words = Array.from({ length: 2000 }, () => english.answer(random).split(' ')).flat();
  const characters = [...Array.from({ length: 500 }, () => japanese.answer(random)).join('')];
  for (let i = 0; i < count; i++) {
    if (i > 100 && random() < 0.2) {
      const earlier = texts[Math.floor(random() * i)];
      texts.push((/[\u3040-\u30ff\u4e00-\u9fff]/.test(earlier) ? japanese : english).variant(random, earlier));
    } else if (random() < 0.6) {
      texts.push(english.answer(random).split(' ').map((w) => (random() < 0.33 ? pick(random, words) : w)).join(' '));
    } else {
      texts.push([...japanese.answer(random)].map((c) => (random() < 0.33 ? pick(random, characters) : c)).join(''));
    }
  }
  return texts;
}

function main(): void {
  // Round-tripped through JSON: flat strings, as the data phase reads them from JSONL.
  const texts = JSON.parse(JSON.stringify(generateTexts(seededRandom(7), TEXTS))) as string[];
  const words = texts.reduce((sum, t) => sum + t.split(' ').length, 0);
  console.log(`${TEXTS} texts, ${(texts.reduce((sum, t) => sum + t.length, 0) / TEXTS).toFixed(0)} characters and ${(words / TEXTS).toFixed(0)} space-separated words on average`);
  let best = 0;
  let bytesPerText = 0;
  for (let round = 1; round <= ROUNDS; round++) {
    const index = new NearDuplicateIndex();
    let matched = 0;
    const cpuStart = process.cpuUsage();
    const start = process.hrtime.bigint();
    for (const text of texts) if (index.add(text) >= 0) matched++;
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    const cpu = process.cpuUsage(cpuStart);
    const rate = TEXTS / seconds;
    best = Math.max(best, rate);
    bytesPerText = index.bytes / index.size;
    // On a shared machine CPU time shows what the code costs when it has a core to itself.
    const cpuRate = TEXTS / ((cpu.user + cpu.system) / 1e6);
    console.log(
      `round ${round}: ${Math.round(rate)} texts/s (${Math.round(cpuRate)} per CPU second), ${bytesPerText.toFixed(1)} bytes/text, ${matched} near-duplicates found`,
    );
  }
  console.log(`RESULT near_duplicates texts_per_s=${Math.round(best)} bytes_per_text=${Math.round(bytesPerText)}`);
}

main();
