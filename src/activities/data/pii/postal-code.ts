import { eachMatch } from './each-match';
import { PII_PLACEHOLDERS, type PiiDetector } from './kinds';

const MIN_DIGITS = 7;
const POSTAL_CODE = /(?<![\w-])\d{3}-?\d{4}(?![\w-])/g;

// A postal code says where someone lives only in context; a bare `123-4567` is as often a part number,
// a ticket or half a phone number. Context is a label just before it (〒, 郵便番号, "postal code", "zip")...
const LABEL_BEFORE = /(?:〒|郵便番号|postal code|post code|postcode|zip code|zip)\s*:?\s*(?:は\s*)?$/i;
// ...or, hyphenated, an address after it that starts with a prefecture (東京都, 北海道, 大阪府, 神奈川県...).
const PREFECTURE_AFTER = /^\s*(?:東京都|北海道|京都府|大阪府|[\u4E00-\u9FFF]{2,3}県)/;
const CONTEXT_CHARS = 16;

/** Japanese postal codes with context; the label or 〒 stays, so the text still reads as an address. */
export const postalCodeDetector: PiiDetector = {
  kind: 'postal_code',
  placeholder: PII_PLACEHOLDERS.postal_code,
  applies: (traits) => traits.digits >= MIN_DIGITS,
  find(view, report) {
    eachMatch(POSTAL_CODE, view, (match) => {
      const start = match.index;
      const end = start + match[0].length;
      const labelled = LABEL_BEFORE.test(view.slice(Math.max(0, start - CONTEXT_CHARS), start));
      const beforeAddress = match[0].length === 8 && PREFECTURE_AFTER.test(view.slice(end, end + CONTEXT_CHARS));
      if (labelled || beforeAddress) report(start, end);
    });
  },
};
