import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse, stringify } from 'yaml';
import { fixtures } from './temporal';

export const tinySpecFile = path.join(fixtures, 'pipelines', 'tiny-support.yaml');

/**
 * Makes the test fixtures the workers' catalogue and data roots, as an operator would configure them:
 * `test/fixtures/pipelines` as a pipeline directory, `test/fixtures` as a data root. Variants of the tiny
 * pipeline (a deep patch of tiny-support.yaml each) are written to a temporary pipeline directory, their
 * data paths made absolute, so a test can run a policy it may not override.
 */
export function useTestCatalogue(variants: Record<string, Record<string, unknown>> = {}): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tempered-pipelines-'));
  const base = parse(fs.readFileSync(tinySpecFile, 'utf8')) as { data: { sources: { path: string }[] } };
  for (const source of base.data.sources) source.path = path.resolve(path.dirname(tinySpecFile), source.path);
  for (const [name, patch] of Object.entries(variants)) {
    fs.writeFileSync(path.join(dir, `${name}.yaml`), stringify(deepMerge(base, { ...patch, name })));
  }
  process.env.TEMPERED_PIPELINES_DIRS = [path.join(fixtures, 'pipelines'), dir].join(path.delimiter);
  process.env.TEMPERED_DATA_ROOTS = fixtures;
  return dir;
}

function deepMerge(base: unknown, patch: unknown): unknown {
  if (!isObject(base) || !isObject(patch)) return patch;
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(patch)) out[k] = deepMerge(out[k], v);
  return out;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
