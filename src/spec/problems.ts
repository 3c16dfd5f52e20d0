import type { FailureType } from '../failures';

/** One problem in a spec: where it is and what was expected there. */
export interface SpecProblem {
  file: string;
  /** Dotted path inside the spec, e.g. `training.epochs`; empty for the whole document. */
  path: string;
  line?: number;
  column?: number;
  message: string;
}

/** Why a spec was refused: it does not validate, it overrides a policy field, or it names a path it may not read. */
export type SpecFailureType = Extract<FailureType, 'InvalidPipelineSpec' | 'OverrideNotAllowed' | 'PathNotAllowed'>;

/** A spec that cannot be used; lists every problem at once so a user fixes them in one pass. */
export class SpecError extends Error {
  constructor(
    readonly problems: SpecProblem[],
    readonly type: SpecFailureType = 'InvalidPipelineSpec',
  ) {
    super(`${HEADLINES[type]}:\n${problems.map(formatProblem).join('\n')}`);
    this.name = 'SpecError';
  }
}

const HEADLINES: Record<SpecFailureType, string> = {
  InvalidPipelineSpec: 'invalid pipeline spec',
  OverrideNotAllowed: 'override refused',
  PathNotAllowed: 'path refused',
};

export function formatProblem(p: SpecProblem): string {
  const where = p.line ? `${p.file}:${p.line}:${p.column ?? 1}` : p.file;
  return `  ${where}: ${p.path || '(spec)'}: ${p.message}`;
}
