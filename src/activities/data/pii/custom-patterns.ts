import { eachMatch } from './each-match';
import { BUILTIN_PII_KINDS, type PiiDetector } from './kinds';

/** A pattern the spec adds, e.g. `{ name: 'member_id', pattern: 'M-\\d{8}' }`. */
export interface CustomPiiPattern {
  /** The kind reported for its matches: letters, digits and underscores. */
  name: string;
  /** A JavaScript regular expression source, compiled with flags `gu`. */
  pattern: string;
  /** Replaces each match; `<NAME>` (the name upper-cased) when absent. */
  placeholder?: string;
}

const NAME = /^[A-Za-z][A-Za-z0-9_]*$/;

// Texts on which a pattern that can match nothing would show it (`\d*`, `(?:)`, `\b`, `x?`).
const EMPTY_MATCH_PROBES = ['', 'a', ' ', '0', 'Order #12345: mail taro.yamada@example.com or call 090-1234-5678.', '注文番号は１２３４５です。'];

function compile(pattern: string): RegExp | string {
  try {
    return new RegExp(pattern, 'gu');
  } catch (error) {
    return (error as Error).message;
  }
}

function matchesEmpty(regex: RegExp): boolean {
  return EMPTY_MATCH_PROBES.some((probe) => [...probe.matchAll(regex)].some((match) => match[0] === ''));
}

/** Null when the pattern can be used; otherwise what is wrong with it, for spec validation to report. */
export function checkCustomPiiPattern({ name, pattern, placeholder }: CustomPiiPattern): string | null {
  if (!NAME.test(name)) return `name ${JSON.stringify(name)} must start with a letter and hold only letters, digits and underscores`;
  if ((BUILTIN_PII_KINDS as readonly string[]).includes(name.toLowerCase())) {
    return `name "${name}" is a built-in PII kind, which is always detected; choose another name`;
  }
  const regex = compile(pattern);
  if (typeof regex === 'string') return `pattern is not a valid regular expression with flags 'gu': ${regex}`;
  if (matchesEmpty(regex)) return `pattern ${JSON.stringify(pattern)} can match the empty string (as \`\\d*\` does); make it match at least one character (\`\\d+\`)`;
  if (placeholder !== undefined && placeholder.trim() === '') return 'placeholder must not be empty; leave it out to get <NAME>';
  return null;
}

/** A detector for a pattern that `checkCustomPiiPattern` accepted. */
export function customPatternDetector(custom: CustomPiiPattern): PiiDetector {
  const regex = new RegExp(custom.pattern, 'gu');
  return {
    kind: custom.name,
    placeholder: custom.placeholder ?? `<${custom.name.toUpperCase()}>`,
    applies: () => true,
    find(view, report) {
      eachMatch(regex, view, (match) => {
        if (match[0] !== '') report(match.index, match.index + match[0].length);
      });
    },
  };
}
