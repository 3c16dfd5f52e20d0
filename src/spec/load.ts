import fs from 'node:fs';
import path from 'node:path';
import { isMap, LineCounter, parseDocument, type Document } from 'yaml';
import type { z } from 'zod';
import { workerRoots, type WorkerRoots } from '../config/roots';
import { findCataloguedSpec, realFile } from './catalogue';
import { applyAssignments, checkOverrides } from './overrides';
import { SpecError, type SpecProblem } from './problems';
import { pipelineSpecSchema, type PipelineSpec } from './schema';

export { formatProblem, SpecError, type SpecProblem } from './problems';

export interface LoadedSpec {
  spec: PipelineSpec;
  /** The file the spec came from as messages show it, or `<inline>`. */
  source: string;
  /** The absolute path of the spec file; absent for an inline spec. */
  file?: string;
  /** Relative data paths resolve against this directory. */
  baseDir: string;
}

/**
 * Loads a spec for someone who may read it anyway (the CLI on the user's machine, tests): an existing file
 * path, or a name from the pipeline catalogue. Workers use `loadCataloguedSpec`, which takes no paths from outside.
 */
export function loadSpecFile(ref: string, overrides?: unknown): LoadedSpec & { file: string } {
  const file = realFile(ref) ?? findCataloguedSpec(ref, workerRoots().pipelineDirs);
  return loadFrom(file, overrides);
}

/** Loads a pipeline of the catalogue by name (or by a path inside a catalogue directory), for a workflow input. */
export function loadCataloguedSpec(ref: string, overrides: unknown, roots: WorkerRoots): LoadedSpec & { file: string } {
  return loadFrom(findCataloguedSpec(ref, roots.pipelineDirs), overrides);
}

function loadFrom(file: string, overrides: unknown): LoadedSpec & { file: string } {
  const text = fs.readFileSync(file, 'utf8');
  const display = path.relative(process.cwd(), file) || file;
  return { spec: parseSpecText(text, display, overrides), source: display, file, baseDir: path.dirname(file) };
}

/** Validates a spec given as an object (from the Web UI's JSON input or a test). */
export function loadInlineSpec(value: unknown, overrides?: unknown, baseDir = process.cwd()): LoadedSpec {
  return { spec: validate(withOverrides(value, overrides), '<inline>'), source: '<inline>', baseDir };
}

export function parseSpecText(text: string, file: string, overrides?: unknown): PipelineSpec {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new SpecError(
      doc.errors.map((e) => {
        const pos = lineCounter.linePos(e.pos[0]);
        return { file, path: '', line: pos.line, column: pos.col, message: `YAML syntax: ${e.message.split('\n')[0]}` };
      }),
    );
  }
  if (!isMap(doc.contents)) throw new SpecError([{ file, path: '', line: 1, message: 'expected a YAML mapping at the top level' }]);
  return validate(withOverrides(doc.toJS(), overrides), file, doc, lineCounter);
}

/** The spec with the run's overrides applied, after refusing any that are not run-time tunable. */
function withOverrides(value: unknown, overrides: unknown): unknown {
  const { assignments, problems } = checkOverrides(overrides);
  if (problems.length > 0) throw new SpecError(problems, 'OverrideNotAllowed');
  return applyAssignments(value, assignments);
}

function validate(value: unknown, file: string, doc?: Document, lines?: LineCounter): PipelineSpec {
  const result = pipelineSpecSchema.safeParse(value);
  if (result.success) return result.data;
  throw new SpecError(result.error.issues.flatMap((issue) => toProblems(issue, file, doc, lines)));
}

function toProblems(issue: z.core.$ZodIssue, file: string, doc?: Document, lines?: LineCounter): SpecProblem[] {
  const keyPath = issue.path.map(String);
  const locate = (p: string[]): Pick<SpecProblem, 'line' | 'column'> => {
    if (!doc || !lines) return {};
    // Walk up to the nearest node that exists: a missing key is reported at its parent.
    for (let n = p.length; n >= 0; n--) {
      const node = doc.getIn(p.slice(0, n), true) as { range?: [number, number, number] } | undefined;
      if (node?.range) {
        const pos = lines.linePos(node.range[0]);
        return { line: pos.line, column: pos.col };
      }
    }
    return {};
  };
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => {
      const p = [...keyPath, key];
      return { file, path: p.join('.'), ...locateKey(doc, lines, p), message: 'unknown field; check its spelling against the spec reference' };
    });
  }
  return [{ file, path: keyPath.join('.'), ...locate(keyPath), message: describe(issue) }];
}

/** Locates the key itself (not its value) so "unknown field" points at the typo. */
function locateKey(doc: Document | undefined, lines: LineCounter | undefined, p: string[]): Pick<SpecProblem, 'line' | 'column'> {
  if (!doc || !lines) return {};
  const parent = p.length > 1 ? doc.getIn(p.slice(0, -1), true) : doc.contents;
  if (!isMap(parent)) return {};
  const pair = parent.items.find((item) => String((item.key as { value?: unknown })?.value ?? item.key) === p[p.length - 1]);
  const range = (pair?.key as { range?: [number, number, number] } | undefined)?.range;
  if (!range) return {};
  const pos = lines.linePos(range[0]);
  return { line: pos.line, column: pos.col };
}

function describe(issue: z.core.$ZodIssue): string {
  if (issue.code === 'invalid_type' && issue.message.includes('received undefined')) return `missing required field (expected ${issue.expected})`;
  return issue.message.replace(/^Invalid input: /, '');
}
