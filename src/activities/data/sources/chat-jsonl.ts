import { makeRecord, type ChatRole } from '../records';
import { readJsonLines } from './jsonl';
import { parseCategory, parseMessages } from './messages';
import type { CollectContext, LineContext, SourceItem, SourceOfType } from './types';

const CHAT_ROLES: ReadonlyMap<string, ChatRole> = new Map([
  ['system', 'system'],
  ['user', 'user'],
  ['assistant', 'assistant'],
]);

/** Fields a hosted fine-tuning service accepts on a chat line; anything else is usually a mistake in the export. */
const KNOWN_KEYS = new Set(['messages', 'category', 'id', 'metadata', 'tools', 'functions', 'parallel_tool_calls']);

/**
 * OpenAI chat format, one conversation per line: `{"messages": [{"role": "system"|"user"|"assistant", "content"}]}`.
 * Each line is one record; one that does not end with an assistant answer is counted as incomplete. The
 * format rules of hosted fine-tuning apply: no unknown keys, known roles, string content.
 */
export function readChatJsonl(_source: SourceOfType<'chat_jsonl'>, ctx: CollectContext): AsyncGenerator<SourceItem> {
  return readJsonLines(ctx, chatJsonlLine);
}

/** One line of the chat format. */
export function chatJsonlLine(value: Record<string, unknown>, at: LineContext): SourceItem[] {
  const parsed = parseMessages(value, CHAT_ROLES);
  if (!parsed.ok) {
    at.problem(parsed.problem);
    return [];
  }
  const unknown = Object.keys(value).filter((key) => !KNOWN_KEYS.has(key));
  if (unknown.length > 0) {
    at.problem(`unknown key${unknown.length > 1 ? 's' : ''} ${unknown.map((k) => `"${k}"`).join(', ')} (expected "messages" and optionally "category")`);
    return [];
  }
  const category = parseCategory(value.category);
  if (!category.ok) {
    at.problem(category.problem);
    return [];
  }
  return [{ kind: 'record', record: makeRecord({ turns: parsed.messages, category: category.category, source: { uri: at.uri, line: at.line }, systemPrompt: at.systemPrompt }) }];
}
