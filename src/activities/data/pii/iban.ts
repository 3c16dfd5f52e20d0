import { passesIbanMod97 } from './checksums';
import { eachMatch } from './each-match';
import { PII_PLACEHOLDERS, type PiiDetector } from './kinds';

// The check digits; the BBAN may be all letters and digits, so this is all an IBAN surely has.
const MIN_DIGITS = 2;

// Country code, check digits, then an 11-30 character BBAN: compact, or printed in groups of four
// (`DE89 3704 0044 0532 0130 00`). Letters of either case: people type IBANs in lower case too.
const IBAN_CANDIDATE = /\b[A-Z]{2}\d{2}(?:[A-Z0-9]{11,30}|(?: [A-Z0-9]{4}){2,7}(?: [A-Z0-9]{1,4})?)(?!\w)/gi;

function isIban(candidate: string): boolean {
  const compact = candidate.replace(/ /g, '');
  return compact.length >= 15 && compact.length <= 34 && passesIbanMod97(compact);
}

/**
 * The IBAN at the start of a candidate, or ''. A printed IBAN's last group may be short, so the candidate
 * can end with the next word (`… 2791 for`): groups are dropped from the end until the checksum holds.
 */
function ibanPrefix(candidate: string): string {
  for (let end = candidate.length; end !== -1; end = candidate.lastIndexOf(' ', end - 1)) {
    if (isIban(candidate.slice(0, end))) return candidate.slice(0, end);
  }
  return '';
}

/** IBANs, mod-97 checked, so that a word followed by digits is left alone. */
export const ibanDetector: PiiDetector = {
  kind: 'iban',
  placeholder: PII_PLACEHOLDERS.iban,
  applies: (traits) => traits.digits >= MIN_DIGITS,
  find(view, report) {
    eachMatch(IBAN_CANDIDATE, view, (match) => {
      const iban = ibanPrefix(match[0]);
      if (iban) report(match.index, match.index + iban.length);
    });
  },
};
