import { RUN_TIME_TUNABLE_FIELDS } from './schema';
import type { SpecProblem } from './problems';

/** Keys that would reach an object's prototype when used as property names. */
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
const TUNABLE = new Set<string>(RUN_TIME_TUNABLE_FIELDS);

/**
 * Checks a run's overrides: dotted keys (`{ "training.epochs": 1 }`) or a partial spec
 * (`{ training: { epochs: 1 } }`), each leaf a run-time tunable field. Returns the flat list of
 * `[path, value]` to apply, or the problems; nothing is written anywhere while checking.
 */
export function checkOverrides(overrides: unknown): { assignments: [string[], unknown][]; problems: SpecProblem[] } {
  const assignments: [string[], unknown][] = [];
  const problems: SpecProblem[] = [];
  const problem = (key: string, message: string) => problems.push({ file: '<overrides>', path: key, message });
  if (overrides === undefined || overrides === null) return { assignments, problems };
  if (!isPlainObject(overrides)) {
    problem('', 'expected an object of field paths and values, e.g. { "training.epochs": 1 }');
    return { assignments, problems };
  }
  const walk = (prefix: string[], value: Record<string, unknown>) => {
    for (const key of Object.keys(value)) {
      const segments = [...prefix, ...key.split('.')];
      const shown = segments.join('.');
      if (segments.some((s) => s === '' || FORBIDDEN_KEYS.has(s))) {
        problem(shown, 'not a spec field: empty segments, "__proto__", "constructor" and "prototype" are refused');
        continue;
      }
      const v = value[key];
      if (isPlainObject(v) && !TUNABLE.has(shown)) {
        walk(segments, v);
      } else if (!TUNABLE.has(shown)) {
        problem(shown, `cannot be overridden at run time; change the pipeline file instead. Tunable fields: ${RUN_TIME_TUNABLE_FIELDS.join(', ')}`);
      } else {
        assignments.push([segments, v]);
      }
    }
  };
  walk([], overrides);
  return { assignments, problems };
}

/** A copy of `spec` with the checked assignments applied; only paths from the allowlist ever get here. */
export function applyAssignments(spec: unknown, assignments: [string[], unknown][]): unknown {
  if (assignments.length === 0) return spec;
  const result = structuredClone(spec) as Record<string, unknown>;
  for (const [segments, value] of assignments) {
    let target = result;
    for (const key of segments.slice(0, -1)) {
      if (!isPlainObject(target[key])) target[key] = {};
      target = target[key] as Record<string, unknown>;
    }
    target[segments[segments.length - 1]!] = value;
  }
  return result;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
