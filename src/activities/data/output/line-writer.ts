import fs from 'node:fs';
import { once } from 'node:events';

/**
 * Appends lines to a file through a 1 MiB buffer, waiting when the disk falls behind: a million records
 * stream out with bounded memory and without a write call per line.
 */
export class LineWriter {
  private readonly stream: fs.WriteStream;
  private buffer: string[] = [];
  private buffered = 0;
  lines = 0;

  constructor(readonly file: string) {
    this.stream = fs.createWriteStream(file);
  }

  async write(line: string): Promise<void> {
    this.buffer.push(line, '\n');
    this.buffered += line.length + 1;
    this.lines += 1;
    if (this.buffered >= 1 << 20) await this.flush();
  }

  /** Appends `count` lines already encoded, each ending in a line feed (a batch serialised on a worker thread). */
  async writeLines(bytes: Uint8Array, count: number): Promise<void> {
    if (count === 0) return;
    await this.flush();
    this.lines += count;
    if (!this.stream.write(bytes)) await once(this.stream, 'drain');
  }

  async close(): Promise<void> {
    await this.flush();
    this.stream.end();
    await once(this.stream, 'finish');
  }

  private async flush(): Promise<void> {
    if (this.buffered === 0) return;
    const chunk = this.buffer.join('');
    this.buffer = [];
    this.buffered = 0;
    if (!this.stream.write(chunk)) await once(this.stream, 'drain');
  }
}
