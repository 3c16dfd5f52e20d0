import type { ChatMessage, ChatRole } from '../records';
import { describeJson, isJsonObject, type JsonObject } from './jsonl';

export type ParsedMessages = { ok: true; messages: ChatMessage[] } | { ok: false; problem: string };

/**
 * Reads the `messages` array of a JSONL line, mapping source roles (e.g. `customer`, `agent`) to canonical ones.
 * Structure is checked strictly (a missing field or an unknown role is a problem); empty content is not a
 * problem here: such a record is counted as incomplete by the quality check.
 */
export function parseMessages(value: JsonObject, roles: ReadonlyMap<string, ChatRole>): ParsedMessages {
  const raw = value.messages;
  if (raw === undefined) return { ok: false, problem: 'missing "messages" (expected an array of {"role", "content"} objects)' };
  if (!Array.isArray(raw)) return { ok: false, problem: `expected "messages" to be an array, got ${describeJson(raw)}` };
  const messages: ChatMessage[] = [];
  for (const [index, entry] of raw.entries()) {
    const where = `messages[${index}]`;
    if (!isJsonObject(entry)) return { ok: false, problem: `${where}: expected an object with "role" and "content", got ${describeJson(entry)}` };
    if (typeof entry.role !== 'string') return { ok: false, problem: `${where}.role: expected a string, got ${describeJson(entry.role)}` };
    const role = roles.get(entry.role);
    if (!role) return { ok: false, problem: `${where}: unknown role "${entry.role}" (expected one of ${[...roles.keys()].join(', ')})` };
    if (typeof entry.content !== 'string') return { ok: false, problem: `${where}.content: expected a string, got ${describeJson(entry.content)}` };
    messages.push({ role, content: entry.content });
  }
  return { ok: true, messages };
}

/** Reads an optional category: a string, or null when absent or blank. */
export function parseCategory(value: unknown): { ok: true; category: string | null } | { ok: false; problem: string } {
  if (value === undefined || value === null) return { ok: true, category: null };
  if (typeof value !== 'string') return { ok: false, problem: `expected "category" to be a string, got ${describeJson(value)}` };
  return { ok: true, category: value.trim() === '' ? null : value.trim() };
}
