import { makeRecord, type ChatMessage, type ChatRole } from '../records';
import { describeJson, isJsonObject, readJsonLines, type JsonObject } from './jsonl';
import { parseCategory } from './messages';
import type { CollectContext, LineContext, SourceItem, SourceOfType } from './types';

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
export function readShareGptJsonl(_source: SourceOfType<'sharegpt_jsonl'>, ctx: CollectContext): AsyncGenerator<SourceItem> {
  return readJsonLines(ctx, shareGptJsonlLine);
}

/** One line of the ShareGPT format. */
export function shareGptJsonlLine(value: JsonObject, at: LineContext): SourceItem[] {
  const problem = (message: string): SourceItem[] => {
    at.problem(message);
    return [];
  };
  const raw = value.conversations;
  if (!Array.isArray(raw)) {
    return problem(raw === undefined ? 'missing "conversations" (expected an array of {"from", "value"} objects)' : `expected "conversations" to be an array, got ${describeJson(raw)}`);
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
  if (bad) return problem(bad);
  const category = parseCategory(value.category);
  if (!category.ok) return problem(category.problem);
  return [{ kind: 'record', record: makeRecord({ turns, category: category.category, source: { uri: at.uri, line: at.line }, systemPrompt: at.systemPrompt }) }];
}
