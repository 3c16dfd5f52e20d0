import { execFileSync } from 'node:child_process';
import { projectRoot } from '../../config/paths';

let cached: string | undefined;

/** The git commit the worker runs, recorded in lineage; `TEMPERED_CODE_VERSION` wins (container images have no .git). */
export function codeVersion(): string {
  if (cached) return cached;
  cached = process.env.TEMPERED_CODE_VERSION ?? readGitCommit() ?? 'unknown';
  return cached;
}

function readGitCommit(): string | undefined {
  try {
    const commit = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: projectRoot, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: projectRoot, encoding: 'utf8' }).trim();
    return dirty ? `${commit}-dirty` : commit;
  } catch {
    return undefined;
  }
}
