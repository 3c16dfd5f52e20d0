import type { SeededRandom } from './random';
import { fillTemplate } from './template';
import type { Category, Lang, SupportRecord } from './support-record';
import { CATEGORIES } from './support-record';

/**
 * Everything one language needs to write support exchanges, as templates (see template.ts). A slot keeps its
 * value for the whole record, so the product asked about is the product answered about.
 */
export interface Phrasebook {
  lang: Lang;
  /** Joins the sentences of one message: a space in English, nothing in Japanese. */
  separator: string;
  systemPrompts: readonly string[];
  questionOpeners: readonly string[];
  questions: Record<Category, readonly string[]>;
  questionContexts: readonly string[];
  questionClosers: readonly string[];
  /** Greets the customer by name: the names also keep thousands of answers from sharing every word. */
  salutations: readonly string[];
  answerOpeners: readonly string[];
  answers: Record<Category, readonly string[]>;
  followUps: readonly string[];
  closings: readonly string[];
  signatures: readonly string[];
  /** How often an answer has each optional part. */
  answerShape: { salutation: number; followUp: number; closing: number; signature: number };
  /** The product the exchange is about: furniture where the category needs screws, legs or a finish. */
  product: (category: Category, random: SeededRandom) => string;
  slots: Record<string, (random: SeededRandom) => string>;
}

/** The sentences of one message; in English a sentence after "Hi Emma," or "Hello," continues it in lower case. */
function joinSentences(parts: string[], separator: string): string {
  if (separator === '') return parts.join('');
  let text = '';
  for (const part of parts) {
    if (text === '') text = part;
    else text += separator + (text.endsWith(',') && /^[A-Z][a-z]/.test(part) ? part[0].toLowerCase() + part.slice(1) : part);
  }
  return text;
}

/**
 * One fresh exchange: a question of 1–4 sentences and an answer of 3–6, optionally under a system prompt. Most
 * questions get the answer written for them (the same index in their category); the rest a related one. Answers
 * always have a follow-up with a value of its own and most greet the customer by name: with the values in the
 * main sentence, two answers built from the same templates still differ in three places or more.
 */
export function composeRecord(book: Phrasebook, random: SeededRandom): SupportRecord {
  const category = random.pick(CATEGORIES);
  const values = new Map<string, string>([['product', book.product(category, random)]]);
  const valueOf = (slot: string) => {
    let value = values.get(slot);
    if (value === undefined) {
      const make = book.slots[slot];
      if (!make) throw new Error(`phrasebook ${book.lang}: a template names the unknown slot {${slot}}`);
      value = make(random);
      values.set(slot, value);
    }
    return value;
  };
  const sentences = (parts: (string | undefined)[]) =>
    joinSentences(
      parts.filter((p): p is string => p !== undefined).map((p) => fillTemplate(p, valueOf, random)),
      book.separator,
    );
  const maybe = (probability: number, items: readonly string[]) => (random.chance(probability) ? random.pick(items) : undefined);

  const questions = book.questions[category];
  const answers = book.answers[category];
  const asked = random.int(0, questions.length - 1);
  const question = sentences([
    maybe(0.6, book.questionOpeners),
    questions[asked],
    maybe(0.6, book.questionContexts),
    maybe(0.35, book.questionClosers),
  ]);
  const answer = sentences([
    maybe(book.answerShape.salutation, book.salutations),
    random.pick(book.answerOpeners),
    random.chance(0.8) ? answers[asked] : random.pick(answers),
    maybe(book.answerShape.followUp, book.followUps),
    maybe(book.answerShape.closing, book.closings),
    maybe(book.answerShape.signature, book.signatures),
  ]);
  const messages: SupportRecord['messages'] = [];
  if (random.chance(0.4)) messages.push({ role: 'system', content: random.pick(book.systemPrompts) });
  messages.push({ role: 'user', content: question }, { role: 'assistant', content: answer });
  return { messages, category };
}
