import { makeRecord, type CanonicalRecord, type ChatRole } from '../records';
import { readJsonObjects } from './jsonl';
import { parseCategory, parseMessages } from './messages';
import type { CollectContext, CollectedSource, SourceOfType } from './types';

const CHAT_ROLES: ReadonlyMap<string, ChatRole> = new Map([
  ['system', 'system'],
  ['user', 'user'],
  ['assistant', 'assistant'],
]);

/**
 * OpenAI chat format, one conversation per line: `{"messages": [{"role": "system"|"user"|"assistant", "content"}]}`.
 * Each line is one record; one that does not end with an assistant answer is counted as incomplete.
 * An optional `category` string is kept.
 */
export async function collectChatJsonl(_source: SourceOfType<'chat_jsonl'>, ctx: CollectContext): Promise<CollectedSource> {
  const counter = { lines: 0 };
  const records: CanonicalRecord[] = [];
  for await (const { line, value } of readJsonObjects(ctx, counter)) {
    const parsed = parseMessages(value, CHAT_ROLES);
    if (!parsed.ok) {
      ctx.problems.add(ctx.file.display, line, parsed.problem);
      continue;
    }
    const category = parseCategory(value.category);
    if (!category.ok) {
      ctx.problems.add(ctx.file.display, line, category.problem);
      continue;
    }
    records.push(makeRecord({ turns: parsed.messages, category: category.category, source: { uri: ctx.file.display, line }, systemPrompt: ctx.systemPrompt }));
    ctx.progress.recordAdded();
  }
  return { type: 'chat_jsonl', file: ctx.file.display, lines: counter.lines, records, dropped: [] };
}
