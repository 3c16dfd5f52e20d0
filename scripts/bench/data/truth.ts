import type { PiiKind } from './corpus/pii-values';
import type { Lang } from './corpus/support-record';

/** What the generator planted, one JSON line per planted item; `line` and `of` are 1-based corpus lines. */
export interface PlantedDuplicate {
  line: number;
  kind: 'exact' | 'near';
  of: number;
  lang: Lang;
}

export interface PlantedPii {
  line: number;
  pii: PiiKind[];
}

export type TruthLine = PlantedDuplicate | PlantedPii;

export function isPlantedDuplicate(truth: TruthLine): truth is PlantedDuplicate {
  return 'kind' in truth;
}

/** One line of an audit written by `tempered data check --audit` or by the Python reference. */
export interface AuditLine {
  file: string;
  line: number;
  action: 'dropped' | 'redacted' | 'skipped';
  reason: string;
  of?: { file: string; line: number };
  kinds?: string[];
}
