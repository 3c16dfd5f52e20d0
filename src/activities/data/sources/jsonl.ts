import { readLines } from '../input/read-lines';
import type { ProblemList } from '../problems';
import type { CollectContext, JsonLineReader, SourceItem } from './types';

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
    const parsed = parseJsonLine(text);
    if (parsed === null) continue;
    nonBlank += 1;
    if (typeof parsed === 'string') ctx.problems.add(ctx.file.display, line, parsed);
    else yield { line, value: parsed };
  }
  if (nonBlank === 0) reportEmptyFile(ctx.file.display, ctx.problems, fatalBefore);
}

/** The object on a line; null for a blank line, which carries nothing; else the problem with the line. */
export function parseJsonLine(text: string): JsonObject | string | null {
  if (text.trim() === '') return null;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return `invalid JSON (${shorten((error as Error).message)})`;
  }
  return isJsonObject(value) ? value : `expected a JSON object, got ${describeJson(value)}`;
}

/** For a file without a single non-blank line. A file that could not be read at all has its problem already; calling it empty would only repeat it. */
export function reportEmptyFile(file: string, problems: ProblemList, fatalBefore: number): void {
  if (problems.fatal === fatalBefore) problems.add(file, undefined, 'file is empty');
}

/** Streams what the lines of a JSONL file hold, converting each object with the source type's line reader. */
export async function* readJsonLines(ctx: CollectContext, reader: JsonLineReader): AsyncGenerator<SourceItem> {
  for await (const { line, value } of readJsonObjects(ctx)) {
    yield* reader(value, { uri: ctx.file.display, line, systemPrompt: ctx.systemPrompt, problem: (message) => ctx.problems.add(ctx.file.display, line, message) });
  }
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
