import { eachMatch } from './each-match';
import { PII_PLACEHOLDERS, type PiiDetector, type ReportMatch } from './kinds';
import { countDigits } from './traits';

// Fewer digits than this is no phone number anywhere: lets most numbers in support text (ids, dates, prices) through at once.
const MIN_DIGITS = 8;
// A run of digits joined by separators, spaces and brackets, starting with `+`, `(` or a digit and ending
// with a digit, at least MIN_DIGITS characters long.
const RUN = /[+(]?\d[\d().\- ]{6,}\d/g;
// A number glued to what precedes it is the tail of a code (`HP-2041…`, `#1234…`, `v1.2…`, `12,800…`)...
const GLUED_BEFORE = /(?:[\w#+/-]|\d[.,])$/;
// ...or, to what follows, a word or more digits through `,` `:` `/` (`1,234`, `10:30`, `12/25`).
const GLUED_AFTER = /^(?:\w|[,:/]\d)/;
// A phone number has at most this many spaces (`+33 1 23 45 67 89`); bounds the windows tried in a long run.
const MAX_SPACES = 6;

const LEADING = new Set(['', '+', '(']);
const BETWEEN_GROUPS = new Set([' ', '-', '.', '(', ')', ' (', ') ', ')-']);
const TOKEN = /(\D*)(\d+)/y;

interface PhoneShape {
  international: boolean;
  /** Digit groups in order; groups written in brackets are marked. */
  groups: string[];
  bracketed: boolean[];
}

/** Splits a candidate into digit groups, or null when its separators are not those of a phone number. */
function parse(candidate: string): PhoneShape | null {
  const shape: PhoneShape = { international: candidate.startsWith('+'), groups: [], bracketed: [] };
  let open = false;
  let parsed = 0;
  TOKEN.lastIndex = 0;
  let match: RegExpExecArray | null;
  while ((match = TOKEN.exec(candidate))) {
    parsed = TOKEN.lastIndex;
    const separator = match[1];
    if (!(shape.groups.length === 0 ? LEADING : BETWEEN_GROUPS).has(separator)) return null;
    if (separator.includes(')')) {
      if (!open) return null;
      open = false;
    }
    if (separator.includes('(')) {
      if (open) return null;
      open = true;
    }
    shape.groups.push(match[2]);
    shape.bracketed.push(open);
  }
  return parsed === candidate.length && !open ? shape : null;
}

/** `+` country code and subscriber number: NANP (+1) and Japan (+81) checked by length, others within E.164. */
function isInternational({ groups, bracketed }: PhoneShape): boolean {
  // A trunk prefix in brackets after the country code, as in `+44 (0)20 7946 0958`, is not dialled.
  const dialled = groups.filter((group, i) => !(i === 1 && bracketed[i] && group === '0'));
  if (dialled.length > 1 && dialled[0].length > 3) return false;
  const digits = dialled.join('');
  if (digits.startsWith('1')) return digits.length === 11;
  if (digits.startsWith('81')) return digits.length === 11 || digits.length === 12;
  return digits.length >= 8 && digits.length <= 15;
}

/**
 * `(415) 555-0132`, `415-555-0132`, `415.555.0132`, `1-800-555-0199`. The area code starts 2-9, which keeps
 * out ids such as `123-456-7890`; the exchange is not checked, as made-up and mistyped numbers are still someone's.
 */
function isNorthAmerican({ groups }: PhoneShape): boolean {
  const local = groups.length === 4 && groups[0] === '1' ? groups.slice(1) : groups;
  return local.length === 3 && local[0].length === 3 && local[1].length === 3 && local[2].length === 4 && local[0][0] >= '2';
}

/**
 * Japanese numbers start with a single 0: ten digits for landlines and toll-free (`03-1234-5678`,
 * `045-123-4567`, `0120-123-456`, `03(1234)5678`), eleven for mobile and 0800 (`090-1234-5678`,
 * `07012345678`). Written either whole or in three groups.
 */
function isJapanese({ groups }: PhoneShape): boolean {
  const digits = groups.join('');
  if (digits[0] !== '0' || digits[1] === '0') return false;
  const mobileLength = digits.length === 11 && /^0[5789]0/.test(digits);
  if (groups.length === 1) return digits.length === 10 || mobileLength;
  if (groups.length !== 3 || groups[0].length > 5 || groups[1].length > 4) return false;
  if (mobileLength) return groups[2].length === 4;
  return digits.length === 10 && groups[2].length >= 3;
}

function isPhoneNumber(candidate: string): boolean {
  if (countDigits(candidate) < MIN_DIGITS) return false;
  const shape = parse(candidate);
  if (!shape) return false;
  return shape.international ? isInternational(shape) : isNorthAmerican(shape) || isJapanese(shape);
}

/**
 * A run may hold more than one number, or a number beside other figures (`3 415 555 0132`, `090 1234
 * 5678 24 hours`, `HP-2041 415 555 0132`). Tries the windows of space-separated pieces, longest first
 * from the leftmost piece; a window may not take in an end of the run that is glued to a code.
 */
function findInRun(run: string, offset: number, edges: { startFree: boolean; endFree: boolean }, report: ReportMatch): void {
  const pieceStarts = [0];
  for (let i = run.indexOf(' '); i !== -1; i = run.indexOf(' ', i + 1)) pieceStarts.push(i + 1);
  const last = pieceStarts.length - 1;
  const pieceEnd = (j: number) => (j === last ? run.length : pieceStarts[j + 1] - 1);
  for (let i = edges.startFree ? 0 : 1; i <= last; i++) {
    for (let j = Math.min(edges.endFree ? last : last - 1, i + MAX_SPACES); j >= i; j--) {
      if (!isPhoneNumber(run.slice(pieceStarts[i], pieceEnd(j)))) continue;
      report(offset + pieceStarts[i], offset + pieceEnd(j));
      i = j; // go on after this number
      break;
    }
  }
}

export const phoneDetector: PiiDetector = {
  kind: 'phone',
  placeholder: PII_PLACEHOLDERS.phone,
  applies: (traits) => traits.digits >= MIN_DIGITS,
  find(view, report) {
    eachMatch(RUN, view, (match) => {
      if (countDigits(match[0]) < MIN_DIGITS) return;
      // In `(090-1234-5678)` the closing bracket is not part of the run, so neither is the opening one.
      const unclosed = match[0][0] === '(' && !match[0].includes(')');
      const start = unclosed ? match.index + 1 : match.index;
      const end = match.index + match[0].length;
      const edges = {
        startFree: !GLUED_BEFORE.test(view.slice(Math.max(0, start - 2), start)),
        endFree: !GLUED_AFTER.test(view.slice(end, end + 2)),
      };
      findInRun(view.slice(start, end), start, edges, report);
    });
  },
};
