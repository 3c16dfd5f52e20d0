import { makeRecord } from '../records';
import { describeJson, readJsonLines, type JsonObject } from './jsonl';
import { parseCategory } from './messages';
import type { CollectContext, LineContext, SourceItem, SourceOfType } from './types';

/**
 * Alpaca instruction format, one example per line: `{"instruction", "input"?, "output", "id"?, "category"?}`. A non-empty `input`
 * follows the instruction in the user message, separated by a blank line. An optional `category` string is kept.
 */
export function readInstructionJsonl(_source: SourceOfType<'instruction_jsonl'>, ctx: CollectContext): AsyncGenerator<SourceItem> {
  return readJsonLines(ctx, instructionJsonlLine);
}

/** One line of the instruction format. */
export function instructionJsonlLine(value: JsonObject, at: LineContext): SourceItem[] {
  const fields = readInstructionFields(value);
  if (!fields.ok) {
    at.problem(fields.problem);
    return [];
  }
  const question = fields.input.trim() === '' ? fields.instruction : `${fields.instruction}\n\n${fields.input}`;
  return [
    {
      kind: 'record',
      record: makeRecord({
        turns: [
          { role: 'user', content: question },
          { role: 'assistant', content: fields.output },
        ],
        category: fields.category,
        source: { uri: at.uri, line: at.line },
        systemPrompt: at.systemPrompt,
      }),
    },
  ];
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
