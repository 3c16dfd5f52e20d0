import { readLines } from '../input/read-lines';
import type { CollectContext } from './types';

export type JsonObject = Record<string, unknown>;

export interface JsonLine {
  line: number;
  value: JsonObject;
}

/**
 * Streams the objects of a JSONL file. Invalid JSON and lines that are not objects become problems; blank
 * lines carry nothing and are passed over; a file without a single object is a problem (an empty export
 * usually means the export failed).
 */
export async function* readJsonObjects(ctx: CollectContext): AsyncGenerator<JsonLine> {
  let nonBlank = 0;
  const fatalBefore = ctx.problems.fatal;
  for await (const { line, text } of readLines(ctx.file, ctx.problems, ctx.hash)) {
    if (text.trim() === '') continue;
    nonBlank += 1;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      ctx.problems.add(ctx.file.display, line, `invalid JSON (${shorten((error as Error).message)})`);
      continue;
    }
    if (!isJsonObject(value)) {
      ctx.problems.add(ctx.file.display, line, `expected a JSON object, got ${describeJson(value)}`);
      continue;
    }
    yield { line, value };
  }
  // A file that could not be read at all has its problem already; calling it empty would only repeat it.
  if (nonBlank === 0 && ctx.problems.fatal === fatalBefore) ctx.problems.add(ctx.file.display, undefined, 'file is empty');
}

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `an array`, `a string`, `null`: for messages such as "expected a JSON object, got an array". */
export function describeJson(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'an array';
  const type = typeof value;
  return type === 'object' ? 'an object' : `a ${type}`;
}

function shorten(message: string, max = 160): string {
  return message.length <= max ? message : `${message.slice(0, max - 1)}…`;
}
