import type { ChatMessage } from '../../inference/runtime';
import type { ReadinessPrompt } from './types';

interface SplitRecord {
  id?: unknown;
  messages?: unknown;
}

function isMessage(value: unknown): value is ChatMessage {
  return typeof value === 'object' && value !== null && typeof (value as ChatMessage).role === 'string' && typeof (value as ChatMessage).content === 'string';
}

/**
 * The prompts of a test split (JSONL of `{ id, messages, category }`, as the data phase writes it): each
 * record's messages up to its last assistant answer, which is the reference and is left out. Records with no
 * user message before that answer ask nothing and are skipped.
 */
export function promptsFromTestSplit(jsonl: string): ReadinessPrompt[] {
  const prompts: ReadinessPrompt[] = [];
  jsonl.split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    let record: SplitRecord;
    try {
      record = JSON.parse(line) as SplitRecord;
    } catch {
      throw new Error(`test split line ${i + 1}: not JSON`);
    }
    if (!Array.isArray(record.messages) || !record.messages.every(isMessage)) throw new Error(`test split line ${i + 1}: expected messages of { role, content }`);
    const messages = record.messages.map(({ role, content }) => ({ role, content }));
    let answer = messages.length;
    while (answer > 0 && messages[answer - 1]!.role !== 'assistant') answer--;
    const context = answer === 0 ? messages : messages.slice(0, answer - 1);
    if (!context.some((m) => m.role === 'user')) return;
    prompts.push({ id: typeof record.id === 'string' ? record.id : `line-${i + 1}`, messages: context });
  });
  return prompts;
}
