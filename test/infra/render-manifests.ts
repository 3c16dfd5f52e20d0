import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { venvDir } from '../../src/config/paths';

/** One Kubernetes object of a rendered kustomization. */
export interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  [field: string]: unknown;
}

/** kubectl has kustomize built in; a standalone kustomize does as well. Both render offline. */
const RENDERERS: [string, string[]][] = [
  ['kubectl', ['kustomize']],
  ['kustomize', ['build']],
];

/** The YAML stream of `kubectl kustomize <dir>` (or `kustomize build <dir>`), exactly what `kubectl apply -k` would send. */
export function renderKustomization(dir: string): string {
  for (const [command, args] of RENDERERS) {
    const result = spawnSync(command, [...args, dir], { encoding: 'utf8' });
    if ((result.error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT') continue;
    if (result.error) throw result.error;
    if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} ${dir} failed: ${result.stderr.trim()}`);
    return result.stdout;
  }
  throw new Error('rendering the kustomizations needs kubectl (1.27 or later) or kustomize on the PATH; neither was found');
}

export function parseManifests(yamlText: string, source: string): Manifest[] {
  return parseAllDocuments(yamlText).flatMap((doc, i) => {
    if (doc.errors.length > 0) throw new Error(`${source}: document ${i + 1}: ${doc.errors[0]!.message}`);
    const value = doc.toJS() as Manifest | null;
    return value === null ? [] : [value];
  });
}

export interface ValidationResult {
  ok: boolean;
  /** `kind/name` of each resource that passed. */
  passed: string[];
  /** The validator's ERROR and WARN lines (a WARN is a resource it has no schema for). */
  problems: string[];
}

export const validatorBin = path.join(venvDir, 'bin', 'kubernetes-validate');

/**
 * Validates a YAML stream against the Kubernetes JSON schemas that kubernetes-validate bundles (no network),
 * strictly: a field the API does not define is an error, as the API server's strict field validation makes it.
 */
export function validateManifests(yamlText: string, kubernetesVersion = '1.31.0'): ValidationResult {
  if (!fs.existsSync(validatorBin)) {
    throw new Error(`${validatorBin} is missing: scripts/bootstrap.sh installs it from infra/requirements.txt`);
  }
  const result = spawnSync(validatorBin, ['--strict', '--kubernetes-version', kubernetesVersion, '-'], { input: yamlText, encoding: 'utf8' });
  if (result.error) throw result.error;
  const lines = `${result.stdout}\n${result.stderr}`.split('\n').filter((l) => l.trim() !== '');
  const passed = lines.flatMap((l) => /^INFO .* passed for resource (\S+) against version/.exec(l)?.[1] ?? []);
  const problems = lines.filter((l) => /^(ERROR|WARN)\b/.test(l) || /Traceback|Error:/.test(l));
  return { ok: result.status === 0 && problems.length === 0, passed, problems };
}
