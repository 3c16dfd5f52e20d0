import type { PipelineSpec } from '../../spec/schema';
import type { Analysis } from './analysis/analyze';
import { STATUS } from './analysis/record-table';
import type { AuditLine } from './output/audit';
import type { ContaminationReport } from './output/contamination';
import type { DataProblem } from './problems';
import type { DataScores, QualityCheck, RecordCounts } from './quality';
import type { InputIndex } from './record-stream';
import type { SplitName } from './split';

export const UNCATEGORIZED = 'uncategorized';

/** The data report stored next to the splits: what went in, what was left out and why, and how good the rest is. */
export interface DataReport {
  kind: 'tempered.data-report/v2';
  pipeline: string;
  counts: RecordCounts & Record<SplitName, number>;
  scores: DataScores;
  checks: QualityCheck[];
  passed: boolean;
  thresholds: PipelineSpec['data']['quality'];
  split: PipelineSpec['data']['split'];
  deduplication: PipelineSpec['data']['deduplication'];
  /** Kept records per category; records without one count as `uncategorized`. */
  categories: Record<string, number>;
  pii: Record<string, number>;
  sources: { file: string; source: number; expert: boolean; sha256: string; records: number; kept: number; dropped_at_source: number }[];
  contamination: ContaminationReport | null;
  /** The first record dropped for each reason, so a failed gate can point at one. */
  first: Partial<Record<string, { file: string; line: number }>>;
  /** Audit lines by reason (counts), and the first few of each; the audit artifact has every one. */
  audit: { counts: Record<string, number>; samples: Record<string, AuditLine[]> };
  problems: { listed: DataProblem[]; total: number };
}

export interface ReportParts {
  spec: PipelineSpec;
  files: InputIndex[];
  analysis: Analysis;
  counts: DataReport['counts'];
  scores: DataScores;
  checks: QualityCheck[];
  contamination: ContaminationReport | null;
  audit: DataReport['audit'];
  problems: DataReport['problems'];
}

export function buildReport(parts: ReportParts): DataReport {
  const { spec, files, analysis } = parts;
  const records = files.map(() => 0);
  const kept = files.map(() => 0);
  const categories = new Map<string, number>();
  const first: DataReport['first'] = {};
  for (let r = 0; r < analysis.table.size; r++) {
    records[analysis.table.file.get(r)]! += 1;
    if (analysis.table.status.get(r) !== STATUS.kept) {
      first[analysis.table.statusOf(r)] ??= { file: files[analysis.table.file.get(r)]!.display, line: analysis.table.line.get(r) };
      continue;
    }
    kept[analysis.table.file.get(r)]! += 1;
    const category = analysis.categories[analysis.table.category.get(r)] || UNCATEGORIZED;
    categories.set(category, (categories.get(category) ?? 0) + 1);
  }
  return {
    kind: 'tempered.data-report/v2',
    pipeline: spec.name,
    counts: parts.counts,
    scores: parts.scores,
    checks: parts.checks,
    passed: parts.checks.every((c) => c.passed),
    thresholds: spec.data.quality,
    split: spec.data.split,
    deduplication: spec.data.deduplication,
    categories: sortedObject(categories),
    pii: sortedObject(analysis.piiKinds),
    sources: files.map((f, i) => ({
      file: f.display,
      source: f.source,
      expert: f.expert,
      sha256: analysis.digests[i] ?? '',
      records: records[i] ?? 0,
      kept: kept[i] ?? 0,
      dropped_at_source: analysis.droppedAtSource[i] ?? 0,
    })),
    contamination: parts.contamination,
    first,
    audit: parts.audit,
    problems: parts.problems,
  };
}

/** Sorted by key so the report (and its hash) does not depend on record order. */
function sortedObject(map: Map<string, number>): Record<string, number> {
  return Object.fromEntries([...map.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
