import fs from 'node:fs';
import { parse } from 'yaml';
import { fail } from '../failures';

/**
 * Reads a worker configuration file of `name: value` lines (YAML) named by an environment variable. The
 * values may be secrets: messages name the variable, the file and the offending name, never a value.
 */
export function readNameMapFile(variable: string, env: NodeJS.ProcessEnv = process.env): Map<string, string> {
  const file = env[variable];
  if (!file) return new Map();
  let parsed: unknown;
  try {
    parsed = parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    const { code, syscall } = err as NodeJS.ErrnoException;
    throw fail('WorkerMisconfigured', `${variable}=${file}: ${syscall ? `cannot read the file (${code})` : 'not valid YAML'}`);
  }
  if (parsed === null || parsed === undefined) return new Map();
  if (typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw fail('WorkerMisconfigured', `${variable}=${file}: expected lines of "name: value"`);
  }
  const entries = new Map<string, string>();
  for (const [name, value] of Object.entries(parsed as Record<string, unknown>)) {
    if (typeof value !== 'string' || value.trim() === '') throw fail('WorkerMisconfigured', `${variable}=${file}: "${name}" needs a text value`);
    entries.set(name, value.trim());
  }
  return entries;
}
