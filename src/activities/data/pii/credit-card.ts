import { passesLuhn } from './checksums';
import { eachMatch } from './each-match';
import { PII_PLACEHOLDERS, type PiiDetector } from './kinds';

const MIN_DIGITS = 13;

// 13-19 digits, bare or in groups of 3-6 split by one kind of separator (4-4-4-4, Amex 4-6-5, 4-4-4-4-3),
// standing alone: not the tail of an id such as `INV-…` or `#…`, nor part of a longer number.
const CARD_CANDIDATE = /(?<![\w#.,/-])(?:\d{13,19}|\d{4}([ -])\d{3,6}(?:\1\d{3,6}){1,3})(?![\w]|[.,/-]\d)/g;

// Issuer prefixes start with 2-6 (Mastercard 2/5, Amex/Diners/JCB 3, Visa 4, Discover/UnionPay 6): an
// id starting otherwise is no card, whatever its checksum.
const ISSUER_PREFIX = /^[2-6]/;

function isCardNumber(candidate: string): boolean {
  const digits = candidate.replace(/[ -]/g, '');
  return digits.length >= 13 && digits.length <= 19 && ISSUER_PREFIX.test(digits) && passesLuhn(digits);
}

/** Card numbers, Luhn-checked so that a random order id (nine times in ten) is left alone. */
export const creditCardDetector: PiiDetector = {
  kind: 'credit_card',
  placeholder: PII_PLACEHOLDERS.credit_card,
  applies: (traits) => traits.digits >= MIN_DIGITS,
  find(view, report) {
    eachMatch(CARD_CANDIDATE, view, (match) => {
      if (isCardNumber(match[0])) report(match.index, match.index + match[0].length);
    });
  },
};
