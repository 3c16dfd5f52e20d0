import { makeRecord, type CanonicalRecord } from '../records';
import { describeJson, readJsonObjects, type JsonObject } from './jsonl';
import { parseCategory } from './messages';
import type { CollectContext, CollectedSource, SourceOfType } from './types';

/**
 * Alpaca instruction format, one example per line: `{"instruction", "input"?, "output"}`. A non-empty `input`
 * follows the instruction in the user message, separated by a blank line. An optional `category` string is kept.
 */
export async function collectInstructionJsonl(_source: SourceOfType<'instruction_jsonl'>, ctx: CollectContext): Promise<CollectedSource> {
  const counter = { lines: 0 };
  const records: CanonicalRecord[] = [];
  for await (const { line, value } of readJsonObjects(ctx, counter)) {
    const fields = readInstructionFields(value);
    if (!fields.ok) {
      ctx.problems.add(ctx.file.display, line, fields.problem);
      continue;
    }
    const question = fields.input.trim() === '' ? fields.instruction : `${fields.instruction}\n\n${fields.input}`;
    records.push(
      makeRecord({
        turns: [
          { role: 'user', content: question },
          { role: 'assistant', content: fields.output },
        ],
        category: fields.category,
        source: { uri: ctx.file.display, line },
        systemPrompt: ctx.systemPrompt,
      }),
    );
    ctx.progress.recordAdded();
  }
  return { type: 'instruction_jsonl', file: ctx.file.display, lines: counter.lines, records, dropped: [] };
}

type InstructionFields =
  | { ok: true; instruction: string; input: string; output: string; category: string | null }
  | { ok: false; problem: string };

/** `instruction` and `output` must be strings (empty ones make an incomplete record); `input` may be left out. */
function readInstructionFields(value: JsonObject): InstructionFields {
  for (const key of ['instruction', 'output'] as const) {
    if (value[key] === undefined) return { ok: false, problem: `missing "${key}" (expected {"instruction", "input"?, "output"})` };
    if (typeof value[key] !== 'string') return { ok: false, problem: `expected "${key}" to be a string, got ${describeJson(value[key])}` };
  }
  const input = value.input ?? '';
  if (typeof input !== 'string') return { ok: false, problem: `expected "input" to be a string, got ${describeJson(input)}` };
  const category = parseCategory(value.category);
  if (!category.ok) return category;
  return { ok: true, instruction: value.instruction as string, input, output: value.output as string, category: category.category };
}
