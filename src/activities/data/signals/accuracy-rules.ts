import { Script, scriptOf, isWhitespace } from './script';

/**
 * Answers that cannot be accurate because they were never finished: template placeholders left unfilled, and
 * text cut off by an export or a field limit. Both rules lean towards silence: a flagged record is shown to the
 * user, so a false alarm on a realistic answer costs more than a missed one.
 */

/**
 * Placeholders anchored to something no finished answer writes: template braces, "lorem ipsum", a bracketed
 * writer's note. Brackets alone are not enough: "[Add to Cart]", "[Your Orders]" and "[設定]" are UI labels that
 * real answers quote, so a bracketed placeholder must start with a note word or name a field to be filled in.
 */
const TEMPLATE_PLACEHOLDER = new RegExp(
  [
    String.raw`lorem ipsum`,
    String.raw`\{\{[^{}\n]{0,40}\}\}`, // {{customer_name}}
    String.raw`\$\{[^{}\n]{0,40}\}`, // ${order_id}
    String.raw`\{[a-z_][\w.]{0,30}\}`, // {name}
    String.raw`\[\s*(?:insert|placeholder|tbd|tba|todo|fill[ -]?in)\b[^\]\n]{0,40}\]`, // [INSERT LINK], [TBD]
    String.raw`\[(?:your|customer|agent|company|product)[ _](?:name|e-?mail|phone(?: number)?|number|address|signature)\]`, // [Your Name]
    String.raw`<(?:placeholder|insert|your|customer|name|tbd)\b[^<>\n]{0,30}>`, // <placeholder>, <customer name>
  ].join('|'),
  'i',
);
/**
 * Case-sensitive markers: writers' notes only in capitals (a "todo list" is a feature, "TODO" a note); a
 * bracketed field name in capitals ("[ORDER NUMBER]"); exactly three X (XXXX-XXXX-1234 is a masked card number,
 * a finished answer); Japanese fill-in marks doubled (○○様), because a single ○ is a normal symbol for "yes".
 */
const MARKER_PLACEHOLDER =
  /\b(?:TODO|TBD|TBA|FIXME|XXX)\b|\[[A-Z][A-Z _]*(?:NAME|NUMBER|DATE|LINK|URL|EMAIL|PHONE|ADDRESS|AMOUNT)[A-Z _]*\]|〇〇|○○|◯◯|●●|△△|＿＿|_{3,}|[（(]未定[)）]/;
/** Answers that are nothing but a filler value exported from an empty field. */
const FILLER_ANSWER = /^\s*(?:n\/a|na|null|undefined|nil|-+|—|\?+)\s*\.?\s*$/i;
/** Longer answers cannot be a filler value alone (padding aside): skips a regex on almost every record. */
const LONGEST_FILLER = 24;
const MAX_REPORTED_TOKEN = 40;

/** The placeholder token found in `text` ("{{name}}", "TODO", "〇〇", "N/A"), or null when there is none. */
export function placeholderText(text: string): string | null {
  const match = (text.length <= LONGEST_FILLER ? FILLER_ANSWER.exec(text) : null) ?? TEMPLATE_PLACEHOLDER.exec(text) ?? MARKER_PLACEHOLDER.exec(text);
  return match ? match[0].trim().slice(0, MAX_REPORTED_TOKEN) : null;
}

/**
 * True when the text stops where no finished answer stops. Complete answers without a final full stop ("Yes",
 * "ありがとうございます", "Call us on 0120-123-456") are not truncated: only positive signs of a cut count.
 * - an ellipsis (... … ・・・) or a separator (, 、 ， ; : ： -) at the end;
 * - a dangling English function word (and, or, but, because, the, to, a, an, of, if, your, our);
 * - a dangling Japanese conjunctive form or particle (〜て, 〜ので, 〜けど, 〜が, 〜を), adverbs such as すべて excepted;
 * - an opening bracket or quote never closed ("(see", "「詳しくは");
 * - mid-word cuts, recognisable only by where they happen: a length that is a common field or export limit
 *   (255, 1024 characters, ...) on text ending in a letter or digit. A dictionary would find more, at a cost per record.
 */
export function truncatedText(text: string): boolean {
  let end = text.length;
  while (end > 0 && isWhitespace(text.charCodeAt(end - 1))) end--;
  if (end === 0) return false;
  const last = text.charCodeAt(end - 1);
  if (isTrailingSeparator(last)) return true;
  if (last === 0x2e) return end >= 3 && text.charCodeAt(end - 2) === 0x2e && text.charCodeAt(end - 3) === 0x2e; // "..."
  if (last === 0x30fb) return end >= 2 && text.charCodeAt(end - 2) === 0x30fb; // ・・・
  const script = scriptOf(last);
  if (script === Script.None || script === Script.CjkMark) return false; // terminal punctuation, closing brackets, emoji
  if (script === Script.Latin && endsWithDanglingWord(text, end)) return true;
  if (script === Script.Kana && endsWithAny(text, end, DANGLING_JAPANESE) && !endsWithAny(text, end, COMPLETE_TE_WORDS)) return true;
  return hasUnclosedBracket(text, end) || FIELD_LIMITS.has(text.length);
}

function isTrailingSeparator(code: number): boolean {
  switch (code) {
    case 0x2c: // ,
    case 0x3b: // ;
    case 0x3a: // :
    case 0x2d: // -
    case 0x2013: // –
    case 0x2026: // …
    case 0x2025: // ‥
    case 0x3001: // 、
    case 0xff0c: // ，
    case 0xff1a: // ：
    case 0xff1b: // ；
      return true;
    default:
      return false;
  }
}

/** Lower-case only: a capital at the end is a name or a label ("Plan A"), not a cut sentence. */
const DANGLING_WORDS = new Set(['and', 'or', 'but', 'because', 'the', 'to', 'a', 'an', 'of', 'if', 'your', 'our']);
const LONGEST_DANGLING_WORD = 7;

function endsWithDanglingWord(text: string, end: number): boolean {
  let start = end;
  while (start > 0 && end - start <= LONGEST_DANGLING_WORD) {
    const code = text.charCodeAt(start - 1);
    if (code < 0x61 || code > 0x7a) break;
    start--;
  }
  if (end - start > LONGEST_DANGLING_WORD) return false;
  // The word must stand alone: "example.com/to" is a URL, not a dangling "to".
  if (start === end || (start > 0 && !isWhitespace(text.charCodeAt(start - 1)))) return false;
  return DANGLING_WORDS.has(text.slice(start, end));
}

const DANGLING_JAPANESE = ['て', 'ので', 'けど', 'けれど', 'けれども', 'が', 'を'];
/** Words ending in て that can close an elliptical sentence on their own. */
const COMPLETE_TE_WORDS = ['すべて', '全て', '初めて', 'はじめて', 'かつて', '決して'];

function endsWithAny(text: string, end: number, endings: readonly string[]): boolean {
  for (const ending of endings) if (end >= ending.length && text.startsWith(ending, end - ending.length)) return true;
  return false;
}

/** The last bracket or quote in the text opens and nothing closes it. ":(" and ";(" are faces, not brackets. */
function hasUnclosedBracket(text: string, end: number): boolean {
  for (let i = end - 1; i >= 0; i--) {
    switch (text.charCodeAt(i)) {
      case 0x28: // (
        return i === 0 || (text.charCodeAt(i - 1) !== 0x3a && text.charCodeAt(i - 1) !== 0x3b);
      case 0x5b: // [
      case 0xff08: // （
      case 0x300c: // 「
      case 0x300e: // 『
      case 0x3010: // 【
        return true;
      case 0x29:
      case 0x5d:
      case 0xff09:
      case 0x300d:
      case 0x300f:
      case 0x3011:
        return false;
    }
  }
  return false;
}

/** Column and export limits text is commonly cut at (VARCHAR(255), 1 KiB, Excel's 32,767 characters per cell). */
const FIELD_LIMITS = new Set([128, 140, 200, 255, 256, 500, 512, 1000, 1024, 2000, 2048, 4000, 4096, 8000, 8192, 32767, 65535]);
