import { makeRecord, type ChatMessage, type ChatRole } from '../records';
import { describeJson, readJsonObjects } from './jsonl';
import { parseCategory, parseMessages } from './messages';
import type { CollectContext, SourceItem, SourceOfType } from './types';

/**
 * Support chat logs, one dialog per line:
 * `{"conversation_id", "started_at", "channel", "satisfaction": 1-5, "category", "messages": [{"role", "content"}]}`.
 * Dialogs rated below `min_satisfaction` are dropped (and counted): they would teach the answers customers disliked.
 */
export async function* readChatLogs(source: SourceOfType<'chat_logs'>, ctx: CollectContext): AsyncGenerator<SourceItem> {
  const roles = new Map<string, ChatRole>([
    ...source.user_roles.map((role) => [role, 'user'] as const),
    ...source.assistant_roles.map((role) => [role, 'assistant'] as const),
  ]);
  for await (const { line, value } of readJsonObjects(ctx)) {
    const problem = (message: string) => ctx.problems.add(ctx.file.display, line, message);
    const satisfaction = value.satisfaction;
    if (typeof satisfaction !== 'number' || satisfaction < 1 || satisfaction > 5) {
      problem(`expected "satisfaction" to be a number from 1 to 5, got ${typeof satisfaction === 'number' ? satisfaction : describeJson(satisfaction)}`);
      continue;
    }
    const parsed = parseMessages(value, roles);
    if (!parsed.ok) {
      problem(parsed.problem);
      continue;
    }
    const category = parseCategory(value.category);
    if (!category.ok) {
      problem(category.problem);
      continue;
    }
    if (satisfaction < source.min_satisfaction) {
      yield { kind: 'dropped', line, reason: 'low_satisfaction', detail: `satisfaction ${satisfaction} < ${source.min_satisfaction}` };
      continue;
    }
    for (const turns of exchanges(parsed.messages)) {
      yield { kind: 'record', record: makeRecord({ turns, category: category.category, source: { uri: ctx.file.display, line }, systemPrompt: ctx.systemPrompt }) };
    }
  }
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
