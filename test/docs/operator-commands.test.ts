import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { buildProgram } from '../../src/cli/main';
import { projectRoot } from '../../src/config/paths';

const DOCS = ['docs/architecture.md', 'docs/runbook.md', 'docs/configuration.md', 'infra/README.md'];

/** `tempered <command> [<subcommand>]` as written in code blocks and spans, with its options; `kubectl -n tempered` is a namespace. */
function documentedCommands(text: string): { words: string[]; options: string[]; line: number }[] {
  const found: { words: string[]; options: string[]; line: number }[] = [];
  text.split('\n').forEach((line, i) => {
    for (const match of line.matchAll(/(?:^|[`$\s])(?<!-n )(?<!--namespace )tempered ((?:[a-z][a-z-]*)(?: [a-z][a-z-]*)?)((?: [^`#\n]*)?)/g)) {
      const options = [...(match[2] ?? '').matchAll(/(?:^|\s)(--[a-z][a-z-]*)/g)].map((m) => m[1]!);
      found.push({ words: match[1]!.split(' '), options, line: i + 1 });
    }
  });
  return found;
}

function optionNames(command: Command): string[] {
  return command.options.flatMap((o) => [o.long, o.negate ? o.long?.replace(/^--no-/, '--') : undefined]).filter((o): o is string => Boolean(o));
}

describe('the operators\' documentation', () => {
  it('uses only tempered commands and options the CLI has', () => {
    const program = buildProgram();
    let checked = 0;
    for (const doc of DOCS) {
      for (const { words, options, line } of documentedCommands(fs.readFileSync(path.join(projectRoot, doc), 'utf8'))) {
        const command = program.commands.find((c) => c.name() === words[0]);
        assert.ok(command, `${doc}:${line}: tempered ${words[0]} is not a command (commands: ${program.commands.map((c) => c.name()).join(', ')})`);
        // A group named alone (`tempered models`) is prose about it; a word after a group must be one of its subcommands.
        const sub = command.commands.length > 0 && words[1] ? command.commands.find((c) => c.name() === words[1]) : undefined;
        if (command.commands.length > 0 && words[1]) assert.ok(sub, `${doc}:${line}: tempered ${words.join(' ')}: ${words[1]} is not a subcommand of ${words[0]}`);
        const known = optionNames(sub ?? command);
        for (const option of options) assert.ok(known.includes(option), `${doc}:${line}: tempered ${words.join(' ')} has no option ${option}`);
        checked += 1;
      }
    }
    assert.ok(checked >= 10, `only ${checked} tempered commands found in the docs; the pattern no longer matches them`);
  });
});
