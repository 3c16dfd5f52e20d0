import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { SpecError } from './problems';

const SPEC_FILE = /\.ya?ml$/;
const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

/**
 * The pipeline catalogue: the YAML files in the configured pipeline directories. A workflow input names a
 * pipeline from it; a path is accepted only when it lies inside one of the directories.
 */
export function findCataloguedSpec(ref: string, dirs: string[]): string {
  if (NAME.test(ref) && !ref.includes('..')) {
    const names = SPEC_FILE.test(ref) ? [ref] : [`${ref}.yaml`, `${ref}.yml`];
    const found = existingDirs(dirs).flatMap((dir) => names.map((n) => path.join(dir, n)).filter(isFile));
    if (found.length === 1) return found[0]!;
    if (found.length > 1) {
      throw new SpecError([{ file: ref, path: '', message: `ambiguous pipeline name: ${found.join(' and ')}; rename one of them` }]);
    }
    throw new SpecError([{ file: ref, path: '', message: `no such pipeline; known pipelines: ${knownNames(dirs)}` }]);
  }
  const real = realFile(path.resolve(ref));
  if (real && SPEC_FILE.test(real) && existingDirs(dirs).some((dir) => isInside(real, dir))) return real;
  throw new SpecError(
    [{ file: ref, path: '', message: `not a pipeline of the catalogue; name one (${knownNames(dirs)}) or add its directory to the workers' TEMPERED_PIPELINES_DIRS` }],
    'PathNotAllowed',
  );
}

/** The catalogue name of a spec file (its file name without extension), or null when the file is not in the catalogue. */
export function catalogueName(file: string, dirs: string[]): string | null {
  const real = realFile(file);
  if (!real) return null;
  const dir = existingDirs(dirs).find((d) => path.dirname(real) === d);
  return dir ? specName(real) : null;
}

/** Every name a catalogued pipeline answers to: its file name and the `name` inside it. An inline spec may take none of them. */
export function cataloguedNames(dirs: string[]): Set<string> {
  const names = new Set<string>();
  for (const file of catalogueFiles(dirs)) {
    names.add(specName(file));
    try {
      const name = (parse(fs.readFileSync(file, 'utf8')) as { name?: unknown } | null)?.name;
      if (typeof name === 'string') names.add(name);
    } catch {
      // A broken file is reported when it is run; its file name still reserves the name.
    }
  }
  return names;
}

function knownNames(dirs: string[]): string {
  return [...new Set(catalogueFiles(dirs).map(specName))].sort().join(', ') || 'none';
}

function catalogueFiles(dirs: string[]): string[] {
  return existingDirs(dirs).flatMap((dir) =>
    fs
      .readdirSync(dir)
      .filter((f) => SPEC_FILE.test(f))
      .map((f) => path.join(dir, f))
      .filter(isFile),
  );
}

function specName(file: string): string {
  return path.basename(file).replace(SPEC_FILE, '');
}

function existingDirs(dirs: string[]): string[] {
  return dirs.flatMap((d) => {
    try {
      return [fs.realpathSync(d)];
    } catch {
      return [];
    }
  });
}

function isFile(file: string): boolean {
  try {
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

/** The file's real path (symlinks resolved), or null if it is not a regular file. */
export function realFile(file: string): string | null {
  try {
    const real = fs.realpathSync(file);
    return fs.statSync(real).isFile() ? real : null;
  } catch {
    return null;
  }
}

/** True if `file` is `dir` itself or lies below it; both must be absolute and normalised. */
export function isInside(file: string, dir: string): boolean {
  const rel = path.relative(dir, file);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel));
}
