import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { generateCorpus } from './corpus/corpus';

/**
 * `node dist/scripts/bench/data/generate-corpus.js --records 1000000 --out <dir> --seed 1` writes
 * <dir>/corpus.jsonl and <dir>/truth.jsonl, streaming: memory stays flat whatever the record count.
 */

const CHUNK_CHARS = 1 << 20;

class BufferedLines {
  private buffer = '';
  constructor(private readonly stream: WriteStream) {}

  async push(line: string): Promise<void> {
    this.buffer += line + '\n';
    if (this.buffer.length >= CHUNK_CHARS) await this.flush();
  }

  async flush(): Promise<void> {
    const ok = this.stream.write(this.buffer);
    this.buffer = '';
    if (!ok) await once(this.stream, 'drain');
  }

  async close(): Promise<void> {
    await this.flush();
    this.stream.end();
    await once(this.stream, 'finish');
  }
}

function positiveInteger(value: string, name: string): number {
  const n = Number(value.replace(/_/g, ''));
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a positive integer, got "${value}"`);
  return n;
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { records: { type: 'string', default: '1000000' }, out: { type: 'string' }, seed: { type: 'string', default: '1' } } });
  if (!values.out) throw new Error('--out <dir> is required: the folder that receives corpus.jsonl and truth.jsonl');
  const records = positiveInteger(values.records, 'records');
  const seed = positiveInteger(values.seed, 'seed');
  mkdirSync(values.out, { recursive: true });
  const corpus = new BufferedLines(createWriteStream(join(values.out, 'corpus.jsonl')));
  const truth = new BufferedLines(createWriteStream(join(values.out, 'truth.jsonl')));
  const started = Date.now();
  let planted = 0;
  for (const line of generateCorpus({ records, seed })) {
    await corpus.push(line.json);
    if (line.truth) {
      planted++;
      await truth.push(JSON.stringify(line.truth));
    }
  }
  await Promise.all([corpus.close(), truth.close()]);
  console.log(`generate-corpus: ${records} records (${planted} planted) in ${((Date.now() - started) / 1000).toFixed(1)}s → ${values.out}`);
}

main().catch((err: Error) => {
  console.error(`generate-corpus: ${err.message}`);
  process.exitCode = 2;
});
