import type { TextTraits } from './traits';

/** The kinds of PII found without configuration, in the order `Redaction.kinds` lists them. */
export const BUILTIN_PII_KINDS = ['email', 'phone', 'credit_card', 'iban', 'ip_address', 'postal_code'] as const;

export type BuiltinPiiKind = (typeof BUILTIN_PII_KINDS)[number];

/** A built-in kind, or the name of a pattern the spec adds (`string & {}` keeps the built-ins visible to the editor). */
export type PiiKind = BuiltinPiiKind | (string & {});

export const PII_PLACEHOLDERS: Record<BuiltinPiiKind, string> = {
  email: '<EMAIL>',
  phone: '<PHONE>',
  credit_card: '<CREDIT_CARD>',
  iban: '<IBAN>',
  ip_address: '<IP_ADDRESS>',
  postal_code: '<POSTAL_CODE>',
};

/** Reports a match as the half-open range [start, end) of the text. */
export type ReportMatch = (start: number, end: number) => void;

export interface PiiDetector {
  kind: PiiKind;
  placeholder: string;
  /** False when the text cannot hold this kind: the scan is skipped, which is the common case. */
  applies(traits: TextTraits): boolean;
  /** Reports every match in `view`, the text with full-width forms folded to ASCII (see ascii-view.ts). */
  find(view: string, report: ReportMatch): void;
}
