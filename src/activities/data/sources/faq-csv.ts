import { Readable } from 'node:stream';
import { CsvError, parse } from 'csv-parse';
import { readLines } from '../input/read-lines';
import { makeRecord } from '../records';
import type { CollectContext, SourceItem, SourceOfType } from './types';

/** Where the configured columns are in the header; the category column is optional. */
interface ColumnIndexes {
  question: number;
  answer: number;
  category: number | undefined;
}

/**
 * A FAQ spreadsheet exported as CSV with a header row; the question, answer and category columns are named
 * in the source config. Every data row becomes one single-turn record. Rows whose field count differs from
 * the header's are problems (usually an unquoted comma); empty cells make an incomplete record. A byte order
 * mark and CRLF line endings are accepted.
 */
export async function* readFaqCsv(source: SourceOfType<'faq_csv'>, ctx: CollectContext): AsyncGenerator<SourceItem> {
  const { display } = ctx.file;
  let lines = 0;
  let header: string[] | undefined;
  let dataRows = 0;
  let columns: ColumnIndexes | undefined;

  // csv-parse counts lines itself, so a line skipped for invalid UTF-8 is replaced by an empty one.
  async function* csvText(): AsyncGenerator<string> {
    for await (const { line, text } of readLines(ctx.file, ctx.problems, ctx.hash)) {
      for (; lines < line - 1; lines++) yield '\n';
      lines = line;
      yield `${line === 1 ? text.replace(/^\uFEFF/, '') : text}\n`;
    }
  }

  const rows = Readable.from(csvText()).pipe(parse({ info: true, raw: true, relax_column_count: true, skip_empty_lines: true })) as AsyncIterable<{
    record: string[];
    raw: string;
    info: { lines: number };
  }>;
  try {
    for await (const { record: fields, raw, info } of rows) {
      const line = startLine(raw, info.lines);
      if (!header) {
        header = fields;
        columns = findColumns(source, header, (message) => ctx.problems.add(display, line, message));
        continue;
      }
      dataRows += 1;
      if (!columns) continue; // a required column is missing: already reported, rows cannot be read
      if (fields.length !== header.length) {
        ctx.problems.add(display, line, `expected ${header.length} fields as in the header, found ${fields.length}`);
        continue;
      }
      const category = columns.category === undefined ? '' : fields[columns.category]!.trim();
      yield {
        kind: 'record',
        record: makeRecord({
          turns: [
            { role: 'user', content: fields[columns.question]! },
            { role: 'assistant', content: fields[columns.answer]! },
          ],
          category: category === '' ? null : category,
          source: { uri: display, line },
          systemPrompt: ctx.systemPrompt,
        }),
      };
    }
  } catch (error) {
    if (!(error instanceof CsvError)) throw error;
    ctx.problems.add(display, typeof error.lines === 'number' ? error.lines : undefined, `invalid CSV (${error.message})`);
    return;
  }
  if (!header) ctx.problems.add(display, undefined, 'file is empty');
  else if (dataRows === 0) ctx.problems.add(display, undefined, 'no rows after the header');
}

/** Finds the configured columns; a missing question or answer column is a problem naming the header found. */
function findColumns(source: SourceOfType<'faq_csv'>, header: string[], problem: (message: string) => void): ColumnIndexes | undefined {
  const names = header.map((name) => name.trim());
  const found = (column: string) => {
    const index = names.indexOf(column);
    return index === -1 ? undefined : index;
  };
  const question = found(source.question_column);
  const answer = found(source.answer_column);
  for (const [column, index] of [[source.question_column, question], [source.answer_column, answer]] as const) {
    if (index === undefined) problem(`missing column "${column}" (header: ${names.join(', ')})`);
  }
  if (question === undefined || answer === undefined) return undefined;
  return { question, answer, category: found(source.category_column) };
}

/**
 * csv-parse reports the line a record ends on; a quoted field can span lines, so count back over the line
 * breaks inside the record's raw text (leading ones belong to skipped empty lines).
 */
function startLine(raw: string, endLine: number): number {
  const body = raw.replace(/^\n+/, '').replace(/\n$/, '');
  return endLine - (body.match(/\n/g)?.length ?? 0);
}
