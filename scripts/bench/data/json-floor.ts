/**
 * `node dist/scripts/bench/data/json-floor.js <corpus.jsonl>`: the CPU a record costs before any check is made,
 * on one thread: reading and decoding its line and parsing it (the data phase does this in both of its passes),
 * and serialising it as an output line (once). `npm run bench:data` prints it beside the check's own figure, to
 * show how much of the per-record budget the JSON in and out takes by itself.
 */
import fs from 'node:fs';

const CHUNK_BYTES = 4 << 20;

/** Calls `each` with every line of the file, decoded; returns how many there were. */
function forEachLine(file: string, each: (line: string) => void): number {
  const fd = fs.openSync(file, 'r');
  const chunk = Buffer.allocUnsafe(CHUNK_BYTES);
  let rest: Buffer = Buffer.alloc(0);
  let lines = 0;
  try {
    for (;;) {
      const got = fs.readSync(fd, chunk, 0, chunk.length, null);
      if (got === 0) break;
      const bytes = rest.length > 0 ? Buffer.concat([rest, chunk.subarray(0, got)]) : chunk.subarray(0, got);
      let start = 0;
      for (let end = bytes.indexOf(10, start); end >= 0; end = bytes.indexOf(10, start)) {
        if (end > start) {
          each(bytes.toString('utf8', start, end));
          lines++;
        }
        start = end + 1;
      }
      rest = Buffer.from(bytes.subarray(start));
    }
    if (rest.length > 0) {
      each(rest.toString('utf8'));
      lines++;
    }
  } finally {
    fs.closeSync(fd);
  }
  return lines;
}

function microsPerLine(file: string, each: (line: string) => void): { records: number; micros: number } {
  const started = process.hrtime.bigint();
  const records = forEachLine(file, each);
  return { records, micros: Number(process.hrtime.bigint() - started) / 1000 / Math.max(records, 1) };
}

function main(): void {
  const file = process.argv[2];
  if (!file) {
    console.error('usage: json-floor <corpus.jsonl>');
    process.exit(2);
  }
  const parse = microsPerLine(file, (line) => void JSON.parse(line));
  const both = microsPerLine(file, (line) => {
    const record = JSON.parse(line) as { messages: unknown[]; category?: string };
    // The shape the data phase writes: id, messages, category, provenance.
    void JSON.stringify({ id: '0123456789abcdef', messages: record.messages, category: record.category ?? null, source: { uri: file, line: 1 } });
  });
  const serialise = Math.max(0, both.micros - parse.micros);
  const floor = 2 * parse.micros + serialise;
  console.log(
    `json floor: ${floor.toFixed(1)} µs of CPU a record on one thread (read and parse ${parse.micros.toFixed(1)} µs, twice; ` +
      `serialise ${serialise.toFixed(1)} µs) over ${parse.records} records`,
  );
}

main();
