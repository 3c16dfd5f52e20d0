import type { PiiKind } from './corpus/pii-values';
import type { Lang } from './corpus/support-record';
import type { AuditLine, TruthLine } from './truth';
import { isPlantedDuplicate } from './truth';

/** What an audit says about the corpus, reduced to the lines the scores need. */
export interface AuditFindings {
  /** Lines dropped as a duplicate or near duplicate of another. */
  flagged: Set<number>;
  /** For each redacted line, every PII kind the audit names for it. */
  redacted: Map<number, Set<string>>;
}

export interface Scores {
  planted: { exact: number; near: number; exact_ja: number; near_ja: number; pii: number };
  flagged: number;
  flagged_correct: number;
  dup_recall: number | null;
  dup_recall_ja: number | null;
  near_recall: number | null;
  near_recall_ja: number | null;
  exact_recall: number | null;
  dup_precision: number | null;
  dup_precision_ja: number | null;
  pii_recall: number | null;
  pii_recall_by_kind: Partial<Record<PiiKind, number | null>>;
  /** Lines redacted although nothing was planted there: order numbers or prices taken for PII, for instance. */
  pii_redacted_unplanted: number;
}

const DUPLICATE_REASONS = new Set(['duplicate', 'near_duplicate']);

export function emptyFindings(): AuditFindings {
  return { flagged: new Set(), redacted: new Map() };
}

export function addAuditLine(findings: AuditFindings, line: AuditLine): void {
  if (line.action === 'dropped' && DUPLICATE_REASONS.has(line.reason)) findings.flagged.add(line.line);
  if (line.action === 'redacted') {
    const kinds = findings.redacted.get(line.line) ?? new Set<string>();
    for (const kind of line.kinds ?? []) kinds.add(kind);
    findings.redacted.set(line.line, kinds);
  }
}

const share = (hits: number, total: number) => (total === 0 ? null : Number((hits / total).toFixed(4)));

/**
 * Recall over planted duplicates, precision over flagged lines (a flag is correct when its line is a planted
 * copy), PII recall over planted lines (a line counts when the audit names every kind planted in it).
 * `languageOf` tells the language of a flagged line that is not a planted copy, for Japanese precision.
 */
export function computeScores(truth: TruthLine[], findings: AuditFindings, languageOf: (line: number) => Lang): Scores {
  const plantedLang = new Map<number, Lang>();
  const tally = { exact: 0, near: 0, exact_ja: 0, near_ja: 0, pii: 0 };
  const found = { exact: 0, near: 0, exact_ja: 0, near_ja: 0 };
  const piiKinds = new Map<PiiKind, { planted: number; found: number }>();
  let piiFound = 0;

  for (const item of truth) {
    if (isPlantedDuplicate(item)) {
      plantedLang.set(item.line, item.lang);
      const hit = findings.flagged.has(item.line) ? 1 : 0;
      tally[item.kind]++;
      found[item.kind] += hit;
      if (item.lang === 'ja') {
        tally[`${item.kind}_ja`]++;
        found[`${item.kind}_ja`] += hit;
      }
      continue;
    }
    tally.pii++;
    const named = findings.redacted.get(item.line) ?? new Set<string>();
    if (item.pii.every((kind) => named.has(kind))) piiFound++;
    for (const kind of item.pii) {
      const counts = piiKinds.get(kind) ?? { planted: 0, found: 0 };
      counts.planted++;
      if (named.has(kind)) counts.found++;
      piiKinds.set(kind, counts);
    }
  }

  let correct = 0;
  let flaggedJa = 0;
  let correctJa = 0;
  for (const line of findings.flagged) {
    const lang = plantedLang.get(line);
    if (lang !== undefined) correct++;
    if ((lang ?? languageOf(line)) === 'ja') {
      flaggedJa++;
      if (lang !== undefined) correctJa++;
    }
  }
  const plantedPiiLines = new Set(truth.filter((t) => !isPlantedDuplicate(t)).map((t) => t.line));

  return {
    planted: tally,
    flagged: findings.flagged.size,
    flagged_correct: correct,
    dup_recall: share(found.exact + found.near, tally.exact + tally.near),
    dup_recall_ja: share(found.exact_ja + found.near_ja, tally.exact_ja + tally.near_ja),
    near_recall: share(found.near, tally.near),
    near_recall_ja: share(found.near_ja, tally.near_ja),
    exact_recall: share(found.exact, tally.exact),
    dup_precision: share(correct, findings.flagged.size),
    dup_precision_ja: share(correctJa, flaggedJa),
    pii_recall: share(piiFound, tally.pii),
    pii_recall_by_kind: Object.fromEntries([...piiKinds].sort().map(([kind, c]) => [kind, share(c.found, c.planted)])),
    pii_redacted_unplanted: [...findings.redacted.keys()].filter((line) => !plantedPiiLines.has(line)).length,
  };
}
