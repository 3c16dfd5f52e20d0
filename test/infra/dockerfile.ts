import path from 'node:path';
import picomatch from 'picomatch';

/** One instruction of a Dockerfile, its continuation lines joined. */
export interface Instruction {
  keyword: string;
  args: string;
  line: number;
}

export interface Stage {
  /** The base: an image reference or an earlier stage's name. */
  from: string;
  name: string | null;
  line: number;
  instructions: Instruction[];
}

/** The stages of a Dockerfile, each with its instructions; comments and parser directives are dropped. */
export function parseDockerfile(text: string, file: string): Stage[] {
  const stages: Stage[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    if (/^\s*(#|$)/.test(lines[i]!)) continue;
    const line = i + 1;
    let joined = lines[i]!;
    while (/\\\s*$/.test(joined) && i + 1 < lines.length) {
      i += 1;
      if (/^\s*#/.test(lines[i]!)) continue;
      joined = `${joined.replace(/\\\s*$/, '')} ${lines[i]!.trim()}`;
    }
    const match = /^\s*([A-Za-z]+)\s+(.*)$/.exec(joined);
    if (!match) throw new Error(`${file}:${line}: expected an instruction, got "${joined.trim()}"`);
    const keyword = match[1]!.toUpperCase();
    const args = match[2]!.trim();
    if (keyword === 'FROM') {
      const from = /^(?:--platform=\S+\s+)?(\S+)(?:\s+AS\s+(\S+))?$/i.exec(args);
      if (!from) throw new Error(`${file}:${line}: expected FROM <image> [AS <name>], got "${args}"`);
      stages.push({ from: from[1]!, name: from[2] ?? null, line, instructions: [] });
    } else if (stages.length === 0) {
      if (keyword !== 'ARG') throw new Error(`${file}:${line}: ${keyword} before the first FROM`);
    } else {
      stages.at(-1)!.instructions.push({ keyword, args, line });
    }
  }
  return stages;
}

/** COPY/ADD split into its flags, sources and destination (shell form; the exec form's JSON array too). */
export function copyArguments(args: string): { flags: Record<string, string>; sources: string[]; destination: string } {
  const words = args.startsWith('[') ? (JSON.parse(args) as string[]) : args.split(/\s+/);
  const flags: Record<string, string> = {};
  while (words[0]?.startsWith('--')) {
    const [flag, value = ''] = words.shift()!.slice(2).split('=');
    flags[flag!] = value;
  }
  return { flags, sources: words.slice(0, -1), destination: words.at(-1)! };
}

/** The command of CMD/ENTRYPOINT, exec form only: a shell-form CMD would not receive SIGTERM as PID 1's child. */
export function execForm(args: string, where: string): string[] {
  if (!args.startsWith('[')) throw new Error(`${where}: expected the exec form ["program", "arg", ...], got ${args}`);
  return JSON.parse(args) as string[];
}

/**
 * A build context's ignore file (`.dockerignore` syntax): the last pattern matching a path or one of its parent
 * directories decides, and `!` re-includes. Returns whether a repository path is left out of the context.
 */
export function ignoredByDockerignore(text: string): (relativePath: string) => boolean {
  const patterns = text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'))
    .map((l) => {
      const negated = l.startsWith('!');
      const pattern = path.posix.normalize((negated ? l.slice(1) : l).trim()).replace(/^\/+/, '');
      return { negated, matches: picomatch(pattern, { dot: true }) };
    });
  return (relativePath) => {
    const parts = relativePath.split('/');
    const candidates = parts.map((_, i) => parts.slice(0, i + 1).join('/'));
    let ignored = false;
    for (const { negated, matches } of patterns) {
      if (candidates.some((c) => matches(c))) ignored = !negated;
    }
    return ignored;
  };
}
