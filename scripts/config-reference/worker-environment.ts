import fs from 'node:fs';
import path from 'node:path';

/** An environment variable the code reads, with the file that reads it and what that file's comments say of it. */
export interface EnvironmentVariable {
  name: string;
  file: string;
  description: string;
}

/**
 * The variables a file reads (`env.NAME`, `process.env.NAME`, or a name passed as a string such as
 * `readNameMapFile('TEMPERED_ALERT_TARGETS', env)`), in the order the file first names them. The description is,
 * in that order of preference: the comment bullet that names the variable (`- NAME: ...`), the first sentence of
 * the doc comment on the declaration that reads it, or the first comment sentence that names it.
 */
export function environmentVariables(root: string, file: string): EnvironmentVariable[] {
  const source = fs.readFileSync(path.join(root, file), 'utf8');
  const comments = [...source.matchAll(/\/\*\*([\s\S]*?)\*\//g)].map((m) => ({ end: m.index + m[0].length, text: commentText(m[1]!) }));
  const reads = new Map<string, number>();
  for (const match of source.matchAll(/\benv\.([A-Z][A-Z0-9_]+)|'([A-Z][A-Z0-9]*_[A-Z0-9_]+)'/g)) {
    const name = match[1] ?? match[2]!;
    if (!reads.has(name)) reads.set(name, match.index);
  }
  return [...reads].map(([name, at]) => ({
    name,
    file,
    description: bullet(comments, name) ?? declarationDoc(source, comments, at) ?? sentenceNaming(comments, name) ?? '',
  }));
}

function commentText(body: string): string[] {
  return body.split('\n').map((line) => line.replace(/^\s*\*\s?/, '').trimEnd());
}

/** `- NAME: text` or `` - `NAME`: text `` (or `- NAME / OTHER: text`), with the lines that continue it. */
function bullet(comments: { text: string[] }[], name: string): string | undefined {
  for (const { text } of comments) {
    const start = text.findIndex((line) => {
      const head = /^\s*-\s+(.*?):\s/.exec(line)?.[1];
      return head !== undefined && new RegExp(`\\b${name}\\b`).test(head);
    });
    if (start < 0) continue;
    const lines = [text[start]!.replace(/^\s*-\s+.*?:\s+/, '')];
    for (const line of text.slice(start + 1)) {
      if (/^\s*(-\s|$)/.test(line) || line.trim().startsWith('```')) break;
      lines.push(line.trim());
    }
    return lines.join(' ').trim();
  }
  return undefined;
}

/** The first sentence of the doc comment right above the top-level declaration that holds the read at `at`. */
function declarationDoc(source: string, comments: { end: number; text: string[] }[], at: number): string | undefined {
  const declarations = [...source.slice(0, at).matchAll(/^(?:export )?(?:async )?(?:function|const|class|let) /gm)];
  const declaration = declarations.at(-1);
  if (!declaration) return undefined;
  const doc = comments.filter((c) => c.end <= declaration.index).at(-1);
  if (!doc || source.slice(doc.end, declaration.index).trim() !== '') return undefined;
  return firstSentence(doc.text.join(' '));
}

function sentenceNaming(comments: { text: string[] }[], name: string): string | undefined {
  for (const { text } of comments) {
    const sentence = sentences(text.join(' ')).find((s) => new RegExp(`\\b${name}\\b`).test(s));
    if (sentence) return sentence;
  }
  return undefined;
}

function firstSentence(text: string): string | undefined {
  return sentences(text)[0];
}

function sentences(text: string): string[] {
  return text
    .replace(/\s+/g, ' ')
    .trim()
    .split(/(?<=[.!?])\s+(?=[A-Z`])/)
    .filter(Boolean);
}
