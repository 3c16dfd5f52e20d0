import { makeRecord, type ChatMessage, type ChatRole } from '../records';
import { describeJson, isJsonObject, readJsonObjects } from './jsonl';
import { parseCategory } from './messages';
import type { CollectContext, SourceItem, SourceOfType } from './types';

/** The speaker names ShareGPT exports use. */
const SHAREGPT_ROLES: ReadonlyMap<string, ChatRole> = new Map([
  ['system', 'system'],
  ['human', 'user'],
  ['user', 'user'],
  ['gpt', 'assistant'],
  ['assistant', 'assistant'],
]);

/**
 * ShareGPT format, one conversation per line: `{"conversations": [{"from": "human"|"gpt"|"system", "value"}]}`.
 * Each line is one record, like the chat format; an optional `category` string is kept.
 */
export async function* readShareGptJsonl(_source: SourceOfType<'sharegpt_jsonl'>, ctx: CollectContext): AsyncGenerator<SourceItem> {
  for await (const { line, value } of readJsonObjects(ctx)) {
    const problem = (message: string) => ctx.problems.add(ctx.file.display, line, message);
    const raw = value.conversations;
    if (!Array.isArray(raw)) {
      problem(raw === undefined ? 'missing "conversations" (expected an array of {"from", "value"} objects)' : `expected "conversations" to be an array, got ${describeJson(raw)}`);
      continue;
    }
    const turns: ChatMessage[] = [];
    let bad: string | null = null;
    for (const [index, entry] of raw.entries()) {
      const where = `conversations[${index}]`;
      if (!isJsonObject(entry)) bad = `${where}: expected an object with "from" and "value", got ${describeJson(entry)}`;
      else if (typeof entry.from !== 'string' || !SHAREGPT_ROLES.has(entry.from)) bad = `${where}: unknown speaker ${describeJson(entry.from) === 'a string' ? `"${String(entry.from)}"` : describeJson(entry.from)} (expected one of ${[...SHAREGPT_ROLES.keys()].join(', ')})`;
      else if (typeof entry.value !== 'string') bad = `${where}.value: expected a string, got ${describeJson(entry.value)}`;
      if (bad) break;
      const e = entry as { from: string; value: string };
      turns.push({ role: SHAREGPT_ROLES.get(e.from)!, content: e.value });
    }
    if (bad) {
      problem(bad);
      continue;
    }
    const category = parseCategory(value.category);
    if (!category.ok) {
      problem(category.problem);
      continue;
    }
    yield { kind: 'record', record: makeRecord({ turns, category: category.category, source: { uri: ctx.file.display, line }, systemPrompt: ctx.systemPrompt }) };
  }
}
