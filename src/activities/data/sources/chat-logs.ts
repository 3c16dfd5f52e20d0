import { makeRecord, type ChatMessage, type ChatRole } from '../records';
import { describeJson, readJsonLines } from './jsonl';
import { parseCategory, parseMessages } from './messages';
import type { CollectContext, JsonLineReader, SourceItem, SourceOfType } from './types';

/**
 * Support chat logs, one dialog per line:
 * `{"conversation_id", "started_at", "channel", "satisfaction": 1-5, "category", "messages": [{"role", "content"}]}`.
 * Dialogs rated below `min_satisfaction` are dropped (and counted): they would teach the answers customers disliked.
 */
export function readChatLogs(source: SourceOfType<'chat_logs'>, ctx: CollectContext): AsyncGenerator<SourceItem> {
  return readJsonLines(ctx, chatLogsLine(source));
}

/** The line reader of a chat-logs source: its roles and its satisfaction threshold. */
export function chatLogsLine(source: SourceOfType<'chat_logs'>): JsonLineReader {
  const roles = new Map<string, ChatRole>([
    ...source.user_roles.map((role) => [role, 'user'] as const),
    ...source.assistant_roles.map((role) => [role, 'assistant'] as const),
  ]);
  return (value, at) => {
    const satisfaction = value.satisfaction;
    if (typeof satisfaction !== 'number' || satisfaction < 1 || satisfaction > 5) {
      at.problem(`expected "satisfaction" to be a number from 1 to 5, got ${typeof satisfaction === 'number' ? satisfaction : describeJson(satisfaction)}`);
      return [];
    }
    const parsed = parseMessages(value, roles);
    if (!parsed.ok) {
      at.problem(parsed.problem);
      return [];
    }
    const category = parseCategory(value.category);
    if (!category.ok) {
      at.problem(category.problem);
      return [];
    }
    if (satisfaction < source.min_satisfaction) {
      return [{ kind: 'dropped', line: at.line, reason: 'low_satisfaction', detail: `satisfaction ${satisfaction} < ${source.min_satisfaction}` }];
    }
    return exchanges(parsed.messages).map((turns) => ({
      kind: 'record' as const,
      record: makeRecord({ turns, category: category.category, source: { uri: at.uri, line: at.line }, systemPrompt: at.systemPrompt }),
    }));
  };
}

/**
 * One conversation per agent answer: the turns up to and including that answer. Agent turns before the
 * first customer turn (greetings) answer nothing and only serve as context. A dialog without any answered
 * question still yields one conversation, so the quality check counts it as incomplete rather than losing it.
 */
export function exchanges(messages: ChatMessage[]): ChatMessage[][] {
  const result: ChatMessage[][] = [];
  let asked = false;
  messages.forEach((message, index) => {
    if (message.role === 'user') asked = true;
    else if (message.role === 'assistant' && asked) result.push(messages.slice(0, index + 1));
  });
  return result.length > 0 ? result : [messages];
}
