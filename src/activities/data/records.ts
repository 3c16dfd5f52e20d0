import { unitTables } from './near-duplicates/normalise';
import { sha256Hex } from './sha256';

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
  // The UTF-8 bytes of the dialog lines (`role: normalised content`, joined by newlines), built without strings.
  let length = 0;
  for (const { role, content } of messages) {
    if (role === 'system') continue;
    reserveIdBytes(length + role.length + 3 + 3 * content.length);
    if (length > 0) idBytes[length++] = LINE_FEED;
    length += idBytes.write(role, length, 'latin1');
    idBytes[length++] = COLON;
    idBytes[length++] = SPACE;
    const end = writeNormalisedUtf8(content, idBytes, length);
    if (end !== -1) {
      length = end;
    } else {
      const normalised = normaliseText(content);
      reserveIdBytes(length + Buffer.byteLength(normalised));
      length += idBytes.write(normalised, length, 'utf8');
    }
  }
  return sha256Hex(idBytes.subarray(0, length)).slice(0, 16);
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
const LINE_FEED = 0x0a;
const SPACE = 0x20;
const COLON = 0x3a;

/** Reused from record to record: a million ids would otherwise build three million throwaway strings. */
let idBytes = Buffer.allocUnsafe(4096);

function reserveIdBytes(capacity: number): void {
  if (idBytes.length < capacity) idBytes = Buffer.allocUnsafe(2 * capacity);
}

/**
 * Writes the UTF-8 bytes of `normaliseText(text)` at `into[at]` (at most three a character) and returns where
 * they end, or returns -1 at a character that must be folded with its neighbours.
 */
function writeNormalisedUtf8(text: string, into: Buffer, at: number): number {
  const units = idUnits();
  let end = at;
  let gap = false;
  for (let i = 0; i < text.length; i++) {
    const unit = units[text.charCodeAt(i)];
    if (unit < 0) return -1;
    if (unit === SEPARATOR_UNIT) {
      // Runs become one space, and none leads or trails (the trim).
      gap = end > at;
      continue;
    }
    if (gap) into[end++] = SPACE;
    gap = false;
    if (unit < 0x80) {
      into[end++] = unit;
    } else if (unit < 0x800) {
      into[end++] = 0xc0 | (unit >>> 6);
      into[end++] = 0x80 | (unit & 0x3f);
    } else {
      into[end++] = 0xe0 | (unit >>> 12);
      into[end++] = 0x80 | ((unit >>> 6) & 0x3f);
      into[end++] = 0x80 | (unit & 0x3f);
    }
  }
  return end;
}

/** In idUnits: a unit that SEPARATORS matches once folded. */
const SEPARATOR_UNIT = 0x10000;
let units: Int32Array | undefined;

/**
 * Per UTF-16 unit, built on first use: its NFKC lower-case form, SEPARATOR_UNIT, or -1 where folding unit by
 * unit could differ from folding the text (see UnitTables.folded; also Ϲ, whose NFKC form Σ lower-cases by its
 * place in the word).
 */
function idUnits(): Int32Array {
  if (units) return units;
  const { folded } = unitTables();
  const separator = new RegExp(SEPARATORS.source, 'u');
  units = new Int32Array(0x10000);
  for (let code = 0; code < 0x10000; code++) {
    const unit = folded[code] & 0xffff;
    if (folded[code] < 0 || String.fromCharCode(code).normalize('NFKC').includes('\u03a3')) units[code] = -1;
    else units[code] = separator.test(String.fromCharCode(unit)) ? SEPARATOR_UNIT : unit;
  }
  return units;
}

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
