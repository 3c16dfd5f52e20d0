import { createHash } from 'node:crypto';

/**
 * The canonical training record every source is converted to. The last message is the assistant answer
 * the model learns; earlier messages are its context (system prompt, question, earlier turns).
 */
export interface CanonicalRecord {
  id: string;
  messages: ChatMessage[];
  category: string | null;
  /** Where the record came from: the source path as shown to users, and the 1-based line it starts on. */
  source: { uri: string; line: number };
}

export type ChatRole = 'system' | 'user' | 'assistant';

export interface ChatMessage {
  role: ChatRole;
  content: string;
}

export interface RecordInput {
  /** The conversation without the spec's system prompt; may start with a source-specific system message. */
  turns: ChatMessage[];
  category: string | null;
  source: { uri: string; line: number };
  systemPrompt?: string;
}

/**
 * Builds a record, prepending the spec's system prompt. A conversation that brings its own system message
 * keeps it: that prompt was written for that conversation, and two system messages would confuse the model.
 */
export function makeRecord({ turns, category, source, systemPrompt }: RecordInput): CanonicalRecord {
  const hasOwnSystem = turns[0]?.role === 'system';
  const messages = systemPrompt && !hasOwnSystem ? [{ role: 'system' as const, content: systemPrompt }, ...turns] : turns;
  // Computed on first use: most records of a large corpus are only inspected, and sha256 per record adds up.
  let id: string | undefined;
  return {
    get id() {
      return (id ??= recordId(messages));
    },
    messages,
    category,
    source,
  };
}

/**
 * First 16 hex digits of the sha256 of the normalised question and answer. For a multi-turn record the
 * "question" is every user and assistant turn before the answer, so two answers given in different
 * contexts stay distinct. The system prompt is left out: it is the same for the whole data set.
 */
export function recordId(messages: ChatMessage[]): string {
  const dialog = messages.filter((m) => m.role !== 'system').map((m) => `${m.role}: ${normaliseText(m.content)}`);
  return createHash('sha256').update(dialog.join('\n')).digest('hex').slice(0, 16);
}

/**
 * Lower case, Unicode compatibility form, no punctuation or symbols, single spaces. Two texts that differ only
 * in these respects are the same question (for the split) or the same example (for deduplication).
 */
export function normaliseText(text: string): string {
  // ASCII text (most English data) needs no NFKC, and a plain character class is much cheaper than \p{...}.
  if (!NON_ASCII.test(text)) return text.toLowerCase().replace(ASCII_SEPARATORS, ' ').trim();
  return text.normalize('NFKC').toLowerCase().replace(SEPARATORS, ' ').trim();
}

const NON_ASCII = /[^\x00-\x7f]/;
/** Punctuation, symbols and white space: the same set as SEPARATORS, restricted to ASCII. */
const ASCII_SEPARATORS = /[\t\n\v\f\r !-/:-@[-`{-~]+/g;
const SEPARATORS = /[\p{P}\p{S}\s]+/gu;

/**
 * The question that opens the conversation: every record cut from one dialog shares it, so the split
 * keeps a dialog's records together (a later record contains the earlier answers as context).
 */
export function questionOf(record: CanonicalRecord): string {
  return record.messages.find((m) => m.role === 'user')?.content ?? '';
}

/** The answer the model learns, or '' when the record does not end with an assistant message. */
export function answerOf(record: CanonicalRecord): string {
  const last = record.messages[record.messages.length - 1];
  return last?.role === 'assistant' ? last.content : '';
}

/** Why a record cannot be trained on, or null when its question, context and answer are all non-empty. */
export function incompleteReason(record: CanonicalRecord): string | null {
  const dialog = record.messages.filter((m) => m.role !== 'system');
  if (!dialog.some((m) => m.role === 'user')) return 'no question';
  if (record.messages[record.messages.length - 1]?.role !== 'assistant') return 'no answer';
  const empty = dialog.findIndex((m) => m.content.trim() === '');
  if (empty === -1) return null;
  if (empty === dialog.length - 1) return 'empty answer';
  return dialog[empty].role === 'user' ? 'empty question' : 'empty earlier answer';
}

/** `file:line`, the way problems and dropped rows point at a record. */
export function locationOf(record: CanonicalRecord): string {
  return `${record.source.uri}:${record.source.line}`;
}
