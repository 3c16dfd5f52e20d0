import { normaliseForComparison } from './exact-variants';
import type { SeededRandom } from './random';
import type { Lang, SupportRecord } from './support-record';
import { mapTexts } from './support-record';

/**
 * Near duplicates as they happen in support logs: an agent reuses an earlier answer and changes a word or two.
 * English edits swap a word for a synonym or add an adverb; Japanese edits change a short word of 2–4 characters.
 */

// A Map, not an object: a word such as "constructor" must not find a prototype property.
const ENGLISH_SYNONYMS = new Map<string, string>(Object.entries({
  order: 'purchase', refund: 'reimbursement', within: 'in', business: 'working', happy: 'glad', usually: 'typically',
  team: 'staff', email: 'message', soon: 'shortly', help: 'assist', delivery: 'shipment',
  label: 'slip', send: 'post', parcel: 'package', details: 'information', please: 'kindly', box: 'carton', costs: 'runs',
  fit: 'suit', new: 'fresh', replace: 'swap', arrive: 'land', sorry: 'sad', issue: 'problem', pick: 'choose',
  same: 'very', extra: 'additional', full: 'complete', warehouse: 'depot', today: 'tonight', reply: 'respond',
  message: 'note', shipped: 'dispatched',
}));
const ENGLISH_ADVERBS = ['also', 'usually', 'gladly', 'certainly', 'simply', 'quickly', 'now', 'always', 'then'];

const JAPANESE_SYNONYMS: [string, string][] = [
  ['お届け', '配送'], ['確認', '調査'], ['ご案内', 'ご連絡'], ['手配', '準備'], ['返金', '払い戻し'], ['交換', '取り替え'],
  ['発送', '出荷'], ['無料', '無償'], ['無償', '無料'], ['約', 'およそ'], ['改めて', '再度'], ['お知らせ', 'ご連絡'],
  ['通常', '普段'], ['がございます', 'があります'], ['もございます', 'もあります'], ['いたします', 'します'], ['本日', '今日'], ['お急ぎ便', '速達'],
  ['承ります', '受け付けます'], ['お手数ですが', '恐縮ですが'], ['別途', '追加で'], ['最大', '最高'], ['ほか', '他'],
  ['ご注文', 'ご購入'], ['お控え', 'メモ'], ['ご返信', 'ご連絡'], ['本日', '今日中に'], ['ごろ', '前後に'], ['済ませました', '終えました'],
  ['いただけます', 'できます'], ['おすすめして', 'お勧めして'], ['使わないで', '避けて'], ['お選び', 'ご選択'], ['ご登録の', 'お使いの'],
  ['お詫び', 'お礼'], ['お気軽に', 'いつでも'],
];
const JAPANESE_INSERTS = ['なお、', '念のため、', 'また、', 'まず、'];

function substituteEnglish(text: string, random: SeededRandom): string | undefined {
  const candidates = [...text.matchAll(/\b[A-Za-z]+\b/g)].filter((m) => ENGLISH_SYNONYMS.has(m[0].toLowerCase()));
  if (candidates.length === 0) return undefined;
  const match = random.pick(candidates);
  const word = match[0];
  let synonym = ENGLISH_SYNONYMS.get(word.toLowerCase()) as string;
  if (word[0] !== word[0].toLowerCase()) synonym = synonym[0].toUpperCase() + synonym.slice(1);
  return text.slice(0, match.index) + synonym + text.slice(match.index + word.length);
}

const ADVERB_SLOT = new RegExp(`\\b(?:will|can|should|may|could|we) (?!(?:I|you|we|it|${ENGLISH_ADVERBS.join('|')})\\b)(?=[a-z])`, 'g');

function insertEnglish(text: string, random: SeededRandom): string {
  // Between a modal and its verb ("will also send", "we usually ship"), never inside a question's inversion.
  const anchors = [...text.matchAll(ADVERB_SLOT)].map((m) => m.index + m[0].length);
  if (anchors.length > 0) {
    const at = random.pick(anchors);
    return `${text.slice(0, at)}${random.pick(ENGLISH_ADVERBS)} ${text.slice(at)}`;
  }
  // A question takes a "please"; anything else an article swap, which reads naturally almost everywhere.
  const question = text.search(/(?<!please)\?/);
  if (question > 0) return `${text.slice(0, question)} please${text.slice(question)}`;
  const article = text.search(/\bthe\b/);
  if (article >= 0) return `${text.slice(0, article)}this${text.slice(article + 3)}`;
  return `${text} today`;
}

function substituteJapanese(text: string, random: SeededRandom): string | undefined {
  const candidates = JAPANESE_SYNONYMS.flatMap(([from, to]) => [...text.matchAll(new RegExp(from, 'g'))].map((m) => ({ at: m.index, from, to })));
  if (candidates.length === 0) return undefined;
  const { at, from, to } = random.pick(candidates);
  return text.slice(0, at) + to + text.slice(at + from.length);
}

function insertJapanese(text: string, random: SeededRandom): string {
  // A connective at the start of a later sentence ("なお、ご注文番号…"), where one reads naturally.
  const anchors = [...text.matchAll(/。(?=.)/g)].map((m) => m.index + 1);
  const at = anchors.length > 0 ? random.pick(anchors) : 0;
  return text.slice(0, at) + random.pick(JAPANESE_INSERTS) + text.slice(at);
}

function editOnce(text: string, lang: Lang, random: SeededRandom): string {
  if (random.chance(0.6)) {
    const substituted = lang === 'ja' ? substituteJapanese(text, random) : substituteEnglish(text, random);
    if (substituted !== undefined) return substituted;
  }
  return lang === 'ja' ? insertJapanese(text, random) : insertEnglish(text, random);
}

/** `text` with `edits` small changes, guaranteed to differ from it after normalisation. */
export function editText(text: string, edits: number, lang: Lang, random: SeededRandom): string {
  let edited = text;
  for (let i = 0; i < edits; i++) edited = editOnce(edited, lang, random);
  // Two substitutions can undo each other (無料 → 無償 → 無料); an insertion always changes the words.
  if (normaliseForComparison(edited) === normaliseForComparison(text)) edited = lang === 'ja' ? insertJapanese(edited, random) : insertEnglish(edited, random);
  return edited;
}

/** An earlier exchange reused with one or two words of its answer changed, and sometimes one of its question. */
export function nearVariant(original: SupportRecord, lang: Lang, random: SeededRandom): SupportRecord {
  const answerEdits = random.chance(0.55) ? 1 : 2;
  const editQuestion = random.chance(0.5);
  return mapTexts(original, (text, role) => {
    if (role === 'assistant') return editText(text, answerEdits, lang, random);
    return editQuestion ? editText(text, 1, lang, random) : text;
  });
}
