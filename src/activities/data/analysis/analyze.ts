import type { PipelineSpec } from '../../../spec/schema';
import { NEAR_DUPLICATE_DEFAULTS, NearDuplicateIndex } from '../near-duplicates';
import { createPiiRedactor } from '../pii';
import type { ProblemList } from '../problems';
import type { Progress } from '../progress';
import type { SourceInputs } from '../inputs';
import type { InputIndex } from '../record-stream';
import { batchSteps, StepProblems, type StepOptions } from '../parallel/batch-steps';
import type { BatchPool } from '../parallel/pool';
import { DistinctNgrams } from '../signals/diversity';
import { LengthOutliers, measuredLength } from '../signals/length-outliers';
import { KeyMap } from './key-map';
import { piiKindNames } from './record-facts';
import { RecordTable, REGISTERS, STATUS } from './record-table';
import { UnionFind } from './union-find';
import { GrowableArray } from './growable';

/** What the first pass learns about the whole corpus, besides the per-record table. */
export interface Analysis {
  table: RecordTable;
  /** Records of one split group share a root: the same opening question, the same context, or near-duplicates kept together. */
  groups: UnionFind;
  /**
   * The same links between records of the user's own sources only: a train-only record (production feedback) that
   * links two groups does not merge them here. The splits are placed by these, so feedback never moves a held-out record.
   */
  sourceGroups: UnionFind;
  categories: string[];
  /** Rows sources left out by their own rules (low satisfaction), per file. */
  droppedAtSource: number[];
  piiKinds: Map<string, number>;
  distinctQuestions: DistinctNgrams;
  largestCluster: number;
  /** Words of the kept records' answers (Japanese: characters), about their n-grams: sizes the contamination filter. */
  answerUnits: number;
  digests: string[];
  /** The records of each batch of lines (the first and how many), in reading order: the second pass reads the same batches. */
  lineBatches: { start: number; count: number }[];
  /** The split key of a record: a hash of its normalised opening question. */
  openingKey(record: number): string;
}

/**
 * The first pass: reads every record once and keeps only compact state. Drops incomplete records, exact and
 * near duplicates, and answers an expert source contradicts; flags consistency and accuracy findings; counts
 * PII, categories and question bigrams. Nothing is written; the second pass acts on the table.
 *
 * What depends on one record alone (parsing, keys, sketches, signals, PII) is measured by `pool`, on worker
 * threads; what depends on the records before (duplicates, groups, the near-duplicate index) is decided here,
 * record by record in input order, so the outcome does not depend on the number of threads.
 */
export async function analyze(
  inputs: SourceInputs[],
  files: InputIndex[],
  spec: PipelineSpec,
  problems: ProblemList,
  progress: Progress,
  pool: BatchPool,
  options: StepOptions,
): Promise<Analysis> {
  const { data } = spec;
  const table = new RecordTable();
  const groups = new UnionFind();
  const sourceGroups = new UnionFind();
  const trainOnly = (record: number) => files[table.file.get(record)]!.trainOnly;
  const link = (a: number, b: number) => {
    groups.union(a, b);
    if (!trainOnly(a) && !trainOnly(b)) sourceGroups.union(a, b);
  };
  const exact = new KeyMap();
  const contexts = new KeyMap();
  const openings = new KeyMap();
  const answerHi = new GrowableArray((n) => new Uint32Array(n));
  const answerLo = new GrowableArray((n) => new Uint32Array(n));
  const openingHi = new GrowableArray((n) => new Uint32Array(n));
  const openingLo = new GrowableArray((n) => new Uint32Array(n));
  const { threshold, permutations } = data.deduplication;
  const nearIndex = new NearDuplicateIndex({ ...(threshold !== undefined ? { threshold } : {}), ...(permutations !== undefined ? { permutations } : {}) });
  const bins = permutations ?? NEAR_DUPLICATE_DEFAULTS.permutations;
  const nearToRecord = new GrowableArray((n) => new Int32Array(n));
  const clusterSizes = new Map<number, number>();
  // Built here once so that a bad custom pattern fails the run before any thread starts.
  createPiiRedactor(data.pii.patterns);
  const kindNames = piiKindNames(data);
  const lengths = new LengthOutliers();
  const lengthOwner = new GrowableArray((n) => new Int32Array(n));
  const distinctQuestions = new DistinctNgrams();
  const categoryIds = new Map<string, number>([['', 0]]);
  const piiKinds = new Map<string, number>();
  const droppedAtSource = files.map(() => 0);
  const digests: string[] = [];
  const lineBatches: { start: number; count: number }[] = [];
  // The register rule is applied over the whole corpus below.
  const { required_register: requiredRegister } = data.quality.format;
  let answerUnits = 0;
  const stepProblems = new StepProblems(problems, files.map((f) => f.display));
  pool.beginPass();
  const steps = batchSteps(inputs, data, problems, digests, options, {
    lines: (task) => pool.run({ kind: 'analyse', task }),
    records: (records) => pool.local.analyseRecords(records),
  });

  for await (const step of steps) {
    if (stepProblems.take(step) || step.kind !== 'batch') continue;
    const { file, notes, result: facts } = step;
    if (step.position !== null) lineBatches[step.position] = { start: table.size, count: facts.count };
    droppedAtSource[file]! += notes.dropped.length;
    const { keys } = facts;
    const batchCategories = facts.categories.map((category) => {
      let id = categoryIds.get(category);
      if (id === undefined) categoryIds.set(category, (id = categoryIds.size));
      return id;
    });

    for (let i = 0; i < facts.count; i++) {
      progress.recordAdded();
      const line = facts.lines[i]!;
      const r = table.add(file, line);
      table.category.set(r, batchCategories[facts.categoryOf[i]!]!);
      if (facts.incomplete[i]) {
        table.setStatus(r, 'incomplete');
        continue;
      }
      const contextHi = keys[6 * i]!;
      const contextLo = keys[6 * i + 1]!;
      const answerH = keys[6 * i + 2]!;
      const answerL = keys[6 * i + 3]!;
      const exactHi = (Math.imul(contextHi ^ 0x5bd1e995, 0x01000193) ^ answerH) >>> 0;
      const exactLo = (Math.imul(contextLo ^ 0x27d4eb2f, 0x01000193) ^ answerL) >>> 0;
      const copyOf = exact.get(exactHi, exactLo);
      if (copyOf !== -1) {
        table.setStatus(r, 'duplicate', copyOf);
        continue;
      }
      exact.set(exactHi, exactLo, r);

      const nearId = nearIndex.size;
      const similar = nearIndex.addSketch(facts.signatures, bins * i, facts.emptyBins, (bins >>> 5) * i);
      nearToRecord.set(nearId, r);
      const origin = similar === -1 ? -1 : nearToRecord.get(similar);
      // Records cut from one dialog repeat its earlier turns by design: they are different examples, not copies.
      if (origin !== -1 && !(table.file.get(origin) === file && table.line.get(origin) === line)) {
        const kept = table.status.get(origin) === STATUS.kept ? origin : table.keptOrigin(origin);
        const root = kept === -1 ? origin : kept;
        clusterSizes.set(root, (clusterSizes.get(root) ?? 1) + 1);
        if (data.deduplication.near_duplicates === 'drop') {
          table.setStatus(r, 'near_duplicate', origin);
          continue;
        }
        table.flag(r, 'near_duplicate_kept');
        link(r, origin);
      }

      // The same context with another answer: the expert's answer wins; otherwise both are flagged.
      answerHi.set(r, answerH);
      answerLo.set(r, answerL);
      const earlier = contexts.get(contextHi, contextLo);
      if (earlier === -1) {
        contexts.set(contextHi, contextLo, r);
      } else {
        link(r, earlier);
        if (answerHi.get(earlier) !== answerH || answerLo.get(earlier) !== answerL) {
          const expertNow = files[file]!.expert;
          const expertBefore = files[table.file.get(earlier)]!.expert;
          if (expertNow && !expertBefore) {
            table.setStatus(earlier, 'superseded', r);
            contexts.set(contextHi, contextLo, r);
          } else if (expertBefore && !expertNow) {
            table.setStatus(r, 'superseded', earlier);
            continue;
          } else {
            table.flag(r, 'contradiction');
            table.flag(earlier, 'contradiction');
          }
        }
      }
      // A dialog's records share its opening question; later ones hold earlier answers, so they stay in one split.
      const openHi = keys[6 * i + 4]!;
      const openLo = keys[6 * i + 5]!;
      openingHi.set(r, openHi);
      openingLo.set(r, openLo);
      const firstWithOpening = openings.get(openHi, openLo);
      if (firstWithOpening === -1) openings.set(openHi, openLo, r);
      else link(r, firstWithOpening);

      table.register.set(r, facts.register[i]!);
      table.flags.set(r, table.flags.get(r) | facts.flags[i]!);
      lengthOwner.set(lengths.count, r);
      lengths.addMeasured(facts.lengths[i]!);
      answerUnits += measuredLength(facts.lengths[i]!);
      distinctQuestions.addHashed(facts.bigrams, i === 0 ? 0 : facts.bigramEnds[i - 1]!, facts.bigramEnds[i]!);

      const piiFrom = i === 0 ? 0 : facts.piiEnds[i - 1]!;
      const piiTo = facts.piiEnds[i]!;
      for (let k = piiFrom; k < piiTo; k++) {
        const kind = kindNames[facts.piiKinds[k]!]!;
        piiKinds.set(kind, (piiKinds.get(kind) ?? 0) + 1);
      }
      if (piiTo > piiFrom) table.flag(r, 'pii');
    }
  }

  for (const position of lengths.outliers()) table.flag(lengthOwner.get(position), 'length_outlier');
  flagRegister(table, requiredRegister);
  return {
    table,
    groups,
    sourceGroups,
    categories: [...categoryIds.keys()],
    droppedAtSource,
    piiKinds,
    distinctQuestions,
    largestCluster: Math.max(1, ...clusterSizes.values()),
    answerUnits,
    digests,
    lineBatches,
    openingKey: (record) => `${openingHi.get(record).toString(16)}:${openingLo.get(record).toString(16)}`,
  };
}

/** Japanese answers outside the required register, or, without a rule, outside a clear house register. */
function flagRegister(table: RecordTable, required: 'polite' | 'plain' | undefined): void {
  let polite = 0;
  let plain = 0;
  for (let r = 0; r < table.size; r++) {
    if (table.status.get(r) !== STATUS.kept) continue;
    const register = REGISTERS[table.register.get(r)];
    if (register === 'polite') polite += 1;
    else if (register === 'plain') plain += 1;
  }
  // Without a rule, a clear house register (80% or more) makes the other one the exception worth a look.
  const expected = required ?? (polite >= 4 * plain && polite > 0 ? 'polite' : plain >= 4 * polite && plain > 0 ? 'plain' : null);
  for (let r = 0; r < table.size; r++) {
    if (table.status.get(r) !== STATUS.kept) continue;
    const register = REGISTERS[table.register.get(r)];
    if (expected && register && register !== expected) table.flag(r, 'register');
  }
}
