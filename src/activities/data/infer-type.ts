import type { DataSource } from '../../spec/schema';
import { openContent } from './input/input-file';
import { localFile } from './input/local-files';

/** The short names `tempered data check --type` takes, and the source types they stand for. */
const SHORT_NAMES: Record<string, DataSource['type']> = {
  faq_csv: 'faq_csv',
  csv: 'faq_csv',
  chat_logs: 'chat_logs',
  chat: 'chat_jsonl',
  chat_jsonl: 'chat_jsonl',
  instruction: 'instruction_jsonl',
  instruction_jsonl: 'instruction_jsonl',
  sharegpt: 'sharegpt_jsonl',
  sharegpt_jsonl: 'sharegpt_jsonl',
};
export const SOURCE_TYPE_NAMES = ['faq_csv', 'chat_logs', 'chat', 'instruction', 'sharegpt'];

/**
 * The source type of a data file: as given, or from its extension (`.csv`) and, for JSON lines, the fields of
 * its first record (`conversations`: ShareGPT; `instruction`: Alpaca; `messages` with `satisfaction`: chat logs;
 * `messages`: chat).
 */
export async function inferSourceType(file: string, given?: string): Promise<DataSource['type'] | { problem: string }> {
  if (given) return SHORT_NAMES[given] ?? { problem: `unknown type "${given}"` };
  const name = file.replace(/\.gz$/i, '');
  if (/\.csv$/i.test(name)) return 'faq_csv';
  if (!/\.(jsonl|json|ndjson)$/i.test(name)) return { problem: 'cannot tell the format from the file name' };
  if (file.startsWith('s3://')) return { problem: 'cannot look inside an s3:// object to tell its format' };
  const first = await firstLine(file);
  if (first === null) return { problem: 'cannot tell the format of an empty file' };
  let value: unknown;
  try {
    value = JSON.parse(first);
  } catch {
    return 'chat_jsonl'; // the check then reports the bad line with its number
  }
  const fields = value && typeof value === 'object' ? Object.keys(value) : [];
  if (fields.includes('conversations')) return 'sharegpt_jsonl';
  if (fields.includes('instruction')) return 'instruction_jsonl';
  if (fields.includes('messages')) return fields.includes('satisfaction') ? 'chat_logs' : 'chat_jsonl';
  return { problem: `cannot tell the format from the first record's fields (${fields.join(', ') || 'none'})` };
}

async function firstLine(file: string): Promise<string | null> {
  let text = '';
  try {
    for await (const chunk of openContent(localFile(file))) {
      text += chunk.toString('utf8');
      const lines = text.split('\n').filter((l) => l.trim() !== '');
      if (lines.length > 1 || text.length > 1 << 20) return lines[0] ?? null;
    }
  } catch {
    // unreadable: the check reports it
  }
  return text.split('\n').find((l) => l.trim() !== '') ?? null;
}

