import fs from 'node:fs';
import path from 'node:path';
import { ApplicationFailure } from '@temporalio/common';
import { runDataCheck, tempOutDir } from '../../activities/data/data-check';
import { inferSourceType, SOURCE_TYPE_NAMES } from '../../activities/data/infer-type';
import type { DataProblem } from '../../activities/data/problems';
import { describeFailure } from '../../activities/data/quality';
import type { DataReport } from '../../activities/data/report';
import { loadSpecFile, SpecError } from '../../spec/load';
import { pipelineSpecSchema, type PipelineSpec } from '../../spec/schema';
import { EXIT, printJson } from '../output';

export interface DataCheckCliOptions {
  type?: string;
  audit?: string;
  json?: boolean;
}

/**
 * `tempered data check <spec | file...>`: the data phase without Temporal and without training, for a
 * team's own CI. Exit 0 when the data passes, 1 when a quality check fails, 2 on bad input.
 */
export async function dataCheckCommand(targets: string[], opts: DataCheckCliOptions): Promise<number> {
  const { spec, baseDir } = isSpecTarget(targets) ? specOf(targets[0]!) : await filesSpec(targets, opts.type);
  const outDir = tempOutDir();
  try {
    const result = await runDataCheck(spec, baseDir, { confine: false, outDir, auditFile: opts.audit ? path.resolve(opts.audit) : undefined, writeWhenGateFails: true });
    print(result.report, result.passed, opts);
    return result.passed ? EXIT.ok : EXIT.failed;
  } catch (err) {
    if (err instanceof ApplicationFailure && (err.type === 'InvalidData' || err.type === 'PathNotAllowed')) {
      const details = err.details?.[0] as { problems?: DataProblem[] } | undefined;
      if (opts.json) printJson({ ok: false, counts: null, scores: null, problems: details?.problems ?? [{ file: '', message: err.message }] });
      else console.error(`data check: bad input\n${err.message}`);
      return EXIT.usage;
    }
    throw err;
  } finally {
    fs.rmSync(outDir, { recursive: true, force: true });
  }
}

function isSpecTarget(targets: string[]): boolean {
  const [first] = targets;
  return targets.length === 1 && first !== undefined && (/\.ya?ml$/i.test(first) || (!fs.existsSync(first) && /^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(first) && !/\.(csv|jsonl?|ndjson|gz)$/i.test(first)));
}

function specOf(ref: string): { spec: PipelineSpec; baseDir: string } {
  const loaded = loadSpecFile(ref);
  return { spec: loaded.spec, baseDir: loaded.baseDir };
}

/** A spec around the given files, with the default quality thresholds. */
async function filesSpec(files: string[], type: string | undefined): Promise<{ spec: PipelineSpec; baseDir: string }> {
  if (files.length === 0) throw new SpecError([{ file: '<command line>', path: '', message: 'expected a spec or at least one data file' }]);
  const sources = [];
  for (const file of files) {
    const inferred = await inferSourceType(file, type);
    if (typeof inferred !== 'string') throw new SpecError([{ file, path: '', message: `${inferred.problem}; pass --type ${SOURCE_TYPE_NAMES.join('|')}` }]);
    sources.push({ type: inferred, path: file.startsWith('s3://') ? file : path.resolve(file) });
  }
  const spec = pipelineSpecSchema.parse({
    name: 'data-check',
    requirements: { business_objective: 'Check training data', target_users: 'Data owners' },
    experiment: { name: 'data_check', base_model: 'tiny:llama' },
    data: { sources },
  });
  return { spec, baseDir: process.cwd() };
}

function print(report: DataReport, passed: boolean, opts: DataCheckCliOptions): void {
  const c = report.counts;
  const dropped = Object.values(c.dropped).reduce((a, b) => a + b, 0);
  if (opts.json) {
    printJson({
      ok: passed,
      counts: { collected: c.collected, kept: c.kept, dropped, redacted: c.redacted, train: c.train, validation: c.validation, test: c.test },
      dropped: c.dropped,
      scores: report.scores,
      checks: report.checks,
      problems: report.problems.listed,
    });
    return;
  }
  const reasons = Object.entries(c.dropped).filter(([, n]) => n > 0).map(([reason, n]) => `${n} ${reason.replace(/_/g, ' ')}`);
  const failing = report.checks.filter((k) => !k.passed);
  console.log(
    [
      `data check: ${passed ? 'passed' : `FAILED: ${failing.map(describeFailure).join('; ')}`}`,
      `  ${c.collected} collected, ${c.kept} kept${reasons.length ? ` (dropped ${reasons.join(', ')})` : ''}; ${c.redacted} redacted; split ${c.train}/${c.validation}/${c.test}`,
      `  ${report.checks.map((k) => `${k.measure} ${round(k.value)} ${k.op} ${k.threshold}${k.passed ? '' : ' FAIL'}`).join(', ')}`,
      ...(opts.audit ? [`  audit: ${opts.audit}`] : []),
    ].join('\n'),
  );
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
