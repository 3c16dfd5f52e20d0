import fs from 'node:fs';
import path from 'node:path';
import { glob, isDynamicPattern } from 'tinyglobby';
import { isGzipName, type InputFile } from './input-file';

/**
 * The local files a configured path names: the file itself, or every file a glob matches (sorted, so the
 * records come in the same order on every run). `allowed` is checked for each match after symlinks are
 * resolved, so a link inside an allowed directory cannot lead a glob outside it.
 */
export async function localInputFiles(absolute: string, allowed: (realPath: string) => boolean): Promise<{ files: InputFile[]; problem?: string }> {
  const candidates = isDynamicPattern(absolute) ? (await glob(absolute, { absolute: true, onlyFiles: true, dot: false })).sort() : [absolute];
  if (candidates.length === 0) return { files: [], problem: 'no file matches this pattern' };
  const files: InputFile[] = [];
  for (const file of candidates) {
    let real: string;
    try {
      real = fs.realpathSync(file);
      if (!fs.statSync(real).isFile()) return { files, problem: `${displayOf(file)}: not a regular file` };
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      return { files, problem: code === 'ENOENT' ? `file not found (${file})` : `cannot read ${displayOf(file)} (${code ?? String(err)})` };
    }
    if (!allowed(real)) return { files, problem: `${displayOf(file)} leads outside the allowed data roots` };
    files.push(localFile(real, displayOf(file)));
  }
  return { files };
}

export function localFile(absolute: string, display = displayOf(absolute)): InputFile {
  return { display, gzip: isGzipName(absolute), openRaw: () => fs.createReadStream(absolute, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer> };
}

/** Relative to the working directory when the file lies below it (as the spec loader shows paths), else absolute. */
export function displayOf(absolute: string): string {
  const fromCwd = path.relative(process.cwd(), absolute);
  return fromCwd !== '' && !fromCwd.startsWith('..') && !path.isAbsolute(fromCwd) ? fromCwd : absolute;
}
