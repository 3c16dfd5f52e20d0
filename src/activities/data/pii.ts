import { fail } from '../../failures';
import { asciiView } from './pii/ascii-view';
import { creditCardDetector } from './pii/credit-card';
import { checkCustomPiiPattern, customPatternDetector, type CustomPiiPattern } from './pii/custom-patterns';
import { emailDetector } from './pii/email';
import { ibanDetector } from './pii/iban';
import { ipAddressDetector } from './pii/ip-address';
import { BUILTIN_PII_KINDS, PII_PLACEHOLDERS, type PiiDetector, type PiiKind } from './pii/kinds';
import { phoneDetector } from './pii/phone';
import { postalCodeDetector } from './pii/postal-code';
import { ClaimedSpans } from './pii/spans';
import { traitsOf } from './pii/traits';

export { BUILTIN_PII_KINDS, PII_PLACEHOLDERS, checkCustomPiiPattern };
export type { BuiltinPiiKind, PiiKind } from './pii/kinds';
export type { CustomPiiPattern };

export interface Redaction {
  /** The text with each PII match replaced by its placeholder; the given string itself when nothing was found. */
  text: string;
  /** The distinct kinds found: built-in kinds in `BUILTIN_PII_KINDS` order, then custom ones in spec order. */
  kinds: PiiKind[];
}

// Most specific first, since the first detector to claim a range keeps it: an e-mail address may hold a
// phone number, an IBAN a card-like run, and cards, IP addresses and postal codes all look like phone numbers.
const BUILTIN_DETECTORS: PiiDetector[] = [emailDetector, ibanDetector, creditCardDetector, ipAddressDetector, postalCodeDetector, phoneDetector];

// Every built-in kind needs a digit or an @, in ASCII or full width: texts without one skip the detectors.
const MAY_HOLD_BUILTIN_PII = /[0-9@\uFF10-\uFF19\uFF20]/;

function assertUsable(custom: CustomPiiPattern[]): void {
  const seen = new Set<string>();
  for (const pattern of custom) {
    const problem = checkCustomPiiPattern(pattern);
    if (problem) throw fail('InvalidPipelineSpec', `custom PII pattern "${pattern.name}": ${problem}`);
    if (seen.has(pattern.name)) throw fail('InvalidPipelineSpec', `custom PII pattern "${pattern.name}" is defined twice`);
    seen.add(pattern.name);
  }
}

/**
 * A redactor for the built-in kinds plus the spec's `custom` patterns (built-ins claim first; custom patterns
 * see the same full-width-folded text, so `\d` also finds `０-９`). Throws InvalidPipelineSpec for a
 * pattern that `checkCustomPiiPattern` rejects.
 */
export function createPiiRedactor(custom: CustomPiiPattern[] = []): (text: string) => Redaction {
  assertUsable(custom);
  const customDetectors = custom.map(customPatternDetector);
  const kindOrder: PiiKind[] = [...BUILTIN_PII_KINDS, ...custom.map((pattern) => pattern.name)];

  return (text) => {
    const scanBuiltins = MAY_HOLD_BUILTIN_PII.test(text);
    if (!scanBuiltins && customDetectors.length === 0) return { text, kinds: [] };
    const view = asciiView(text);
    const traits = traitsOf(view);
    const claimed = new ClaimedSpans();
    const run = (detector: PiiDetector) => detector.find(view, (start, end) => claimed.claim(start, end, detector));
    if (scanBuiltins) for (const detector of BUILTIN_DETECTORS) if (detector.applies(traits)) run(detector);
    for (const detector of customDetectors) run(detector);
    if (claimed.size === 0) return { text, kinds: [] };
    return { text: claimed.redact(text), kinds: claimed.kinds(kindOrder) };
  };
}
