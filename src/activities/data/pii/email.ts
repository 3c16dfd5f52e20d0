import { eachMatch } from './each-match';
import { PII_PLACEHOLDERS, type PiiDetector } from './kinds';

// The addresses people actually write, not all of RFC 5322: dotted words of letters, digits and `_%+-`
// before the @ (so tags such as `+support`), then host labels and an alphabetic top-level domain. Quotes and
// brackets around an address, and a sentence's final period, stay outside the match. Matching starts only
// at the start of a word, which keeps a long token without an address linear to scan.
const EMAIL = /(?<![A-Za-z0-9_%+.-])[A-Za-z0-9_%+-]+(?:\.[A-Za-z0-9_%+-]+)*@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*\.[A-Za-z]{2,63}(?![A-Za-z0-9-])/g;

export const emailDetector: PiiDetector = {
  kind: 'email',
  placeholder: PII_PLACEHOLDERS.email,
  applies: (traits) => traits.at,
  find(view, report) {
    eachMatch(EMAIL, view, (match) => report(match.index, match.index + match[0].length));
  },
};
