import fs from 'node:fs';
import path from 'node:path';
import { isMap, LineCounter, parseDocument, type Document } from 'yaml';
import type { z } from 'zod';
import { pipelinesDir } from '../config/paths';
import { pipelineSpecSchema, type PipelineSpec } from './schema';

/** One problem in a spec: where it is and what was expected there. */
export interface SpecProblem {
  file: string;
  /** Dotted path inside the spec, e.g. `training.epochs`; empty for the whole document. */
  path: string;
  line?: number;
  column?: number;
  message: string;
}

/** A spec that cannot be used; lists every problem at once so a user fixes them in one pass. */
export class SpecError extends Error {
  constructor(readonly problems: SpecProblem[]) {
    super(`invalid pipeline spec:\n${problems.map(formatProblem).join('\n')}`);
    this.name = 'SpecError';
  }
}

export function formatProblem(p: SpecProblem): string {
  const where = p.line ? `${p.file}:${p.line}:${p.column ?? 1}` : p.file;
  return `  ${where}: ${p.path || '(spec)'}: ${p.message}`;
}

export interface LoadedSpec {
  spec: PipelineSpec;
  /** The file the spec came from as messages show it, or `<inline>`. */
  source: string;
  /** The absolute path of the spec file; absent for an inline spec. */
  file?: string;
  /** Relative data paths resolve against this directory. */
  baseDir: string;
}

/** Finds a spec by name (`customer-support-demo`), path, or file name under `pipelines/`. */
export function resolveSpecPath(ref: string): string {
  const candidates = [ref, path.join(pipelinesDir, ref), path.join(pipelinesDir, `${ref}.yaml`), path.join(pipelinesDir, `${ref}.yml`)];
  const found = candidates.find((c) => fs.existsSync(c) && fs.statSync(c).isFile());
  if (!found) {
    const known = fs.existsSync(pipelinesDir) ? fs.readdirSync(pipelinesDir).filter((f) => /\.ya?ml$/.test(f)) : [];
    throw new SpecError([
      { file: ref, path: '', message: `no such pipeline file; known pipelines: ${known.map((f) => f.replace(/\.ya?ml$/, '')).sort().join(', ') || 'none'}` },
    ]);
  }
  return path.resolve(found);
}

export function loadSpecFile(ref: string, overrides?: Record<string, unknown>): LoadedSpec & { file: string } {
  const file = resolveSpecPath(ref);
  const text = fs.readFileSync(file, 'utf8');
  const display = path.relative(process.cwd(), file) || file;
  return { spec: parseSpecText(text, display, overrides), source: display, file, baseDir: path.dirname(file) };
}

/** Validates a spec given as an object (from the Web UI's JSON input or a test). */
export function loadInlineSpec(value: unknown, overrides?: Record<string, unknown>, baseDir = process.cwd()): LoadedSpec {
  return { spec: validate(applyOverrides(value, overrides), '<inline>'), source: '<inline>', baseDir };
}

export function parseSpecText(text: string, file: string, overrides?: Record<string, unknown>): PipelineSpec {
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
  return validate(applyOverrides(doc.toJS(), overrides), file, doc, lineCounter);
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

/**
 * Overrides are a partial spec merged over the file (`{ training: { epochs: 1 } }`) or dotted keys
 * (`{ "training.epochs": 1 }`), so a run can change one field without copying the file.
 */
export function applyOverrides(value: unknown, overrides?: Record<string, unknown>): unknown {
  if (!overrides || Object.keys(overrides).length === 0) return value;
  const result = structuredClone(value) as Record<string, unknown>;
  for (const [key, v] of Object.entries(overrides)) {
    const keys = key.split('.');
    let target = result;
    for (const k of keys.slice(0, -1)) {
      if (typeof target[k] !== 'object' || target[k] === null || Array.isArray(target[k])) target[k] = {};
      target = target[k] as Record<string, unknown>;
    }
    const last = keys[keys.length - 1];
    target[last] = isPlainObject(v) && isPlainObject(target[last]) ? deepMerge(target[last] as Record<string, unknown>, v) : v;
  }
  return result;
}

function deepMerge(base: Record<string, unknown>, patch: Record<string, unknown>): Record<string, unknown> {
  const out = { ...base };
  for (const [k, v] of Object.entries(patch)) {
    out[k] = isPlainObject(v) && isPlainObject(out[k]) ? deepMerge(out[k] as Record<string, unknown>, v) : v;
  }
  return out;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
