import type { CanonicalRecord } from '../records';

/** The conversation before the answer, without the system prompt: what the answer responds to. */
export function contextOf(record: CanonicalRecord): string {
  const dialog = record.messages.filter((m) => m.role !== 'system');
  return dialog
    .slice(0, -1)
    .map((m) => m.content)
    .join('\n');
}

/** The text the near-duplicate index compares: the context and the answer. */
export function dedupTextOf(context: string, answer: string): string {
  return `${context}\n${answer}`;
}
