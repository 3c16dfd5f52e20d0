import type { CanonicalRecord } from '../../activities/data/records';

/** A question and its answer from the training split, as retrieval returns them. */
export interface Passage {
  id: string;
  question: string;
  answer: string;
}

/**
 * The passage of a training record: its last user turn (the question the answer replies to; in a
 * multi-turn record that is not the opening one) and the answer. Null when either is missing or blank.
 */
export function passageOf(record: CanonicalRecord): Passage | null {
  const last = record.messages[record.messages.length - 1];
  if (last?.role !== 'assistant' || last.content.trim() === '') return null;
  let question = '';
  for (const m of record.messages) if (m.role === 'user') question = m.content;
  if (question.trim() === '') return null;
  return { id: record.id, question, answer: last.content };
}
