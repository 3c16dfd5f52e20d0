import type { ChatMessage } from '../../activities/data/records';
import type { Passage } from './passages';

export interface RagPromptInput {
  /** The spec's system prompt, if it has one. */
  systemPrompt?: string;
  passages: readonly Passage[];
  question: string;
  /** The line that introduces the passages, and the passages' labels: set them in the users' language. */
  heading?: string;
  labels?: { question: string; answer: string };
}

export const DEFAULT_RAG_HEADING = 'Answers to similar questions from earlier conversations. Use them where they apply:';
export const DEFAULT_RAG_LABELS = { question: 'Question', answer: 'Answer' };

/**
 * The chat messages of a retrieval arm: the system prompt followed by the retrieved question/answer pairs,
 * numbered, in one system message; then the question as the user turn. The passages go in the system
 * message so that the user turn is the same as in the arms without retrieval: only the context differs.
 * With no passages the messages are those of the plain arm.
 */
export function ragMessages({ systemPrompt, passages, question, heading = DEFAULT_RAG_HEADING, labels = DEFAULT_RAG_LABELS }: RagPromptInput): ChatMessage[] {
  if (question.trim() === '') throw new Error('RAG prompt: the question is empty');
  const context = passages.length === 0 ? '' : [heading, ...passages.map((p, i) => `[${i + 1}] ${labels.question}: ${p.question.trim()}\n${labels.answer}: ${p.answer.trim()}`)].join('\n\n');
  const system = [systemPrompt?.trim(), context].filter(Boolean).join('\n\n');
  return system ? [{ role: 'system', content: system }, { role: 'user', content: question }] : [{ role: 'user', content: question }];
}
