/** The answer format a spec may require (`evaluation.format`): JSON, optionally an object with given keys. */
export interface AnswerFormat {
  type: 'json';
  /** Keys the JSON object must have; empty: any JSON value will do. */
  required_keys: string[];
}

/**
 * Whether an answer is in the required format, and if not, why. A model asked for JSON often wraps it in a
 * Markdown code fence; the fence is accepted, anything else around the JSON is not.
 */
export function checkFormat(answer: string, format: AnswerFormat): { ok: boolean; reason?: string } {
  const text = unfenced(answer.trim());
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return { ok: false, reason: `not JSON: ${(err as Error).message}` };
  }
  if (format.required_keys.length === 0) return { ok: true };
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { ok: false, reason: 'expected a JSON object' };
  const missing = format.required_keys.filter((key) => !Object.hasOwn(value, key));
  return missing.length === 0 ? { ok: true } : { ok: false, reason: `missing key${missing.length > 1 ? 's' : ''} ${missing.join(', ')}` };
}

function unfenced(text: string): string {
  const fenced = /^```[a-zA-Z]*\n([\s\S]*?)\n?```$/.exec(text);
  return fenced ? fenced[1]!.trim() : text;
}
