import type { DataSource } from '../../../spec/schema';
import { chatJsonlLine, readChatJsonl } from './chat-jsonl';
import { chatLogsLine, readChatLogs } from './chat-logs';
import { readFaqCsv } from './faq-csv';
import { instructionJsonlLine, readInstructionJsonl } from './instruction-jsonl';
import { readShareGptJsonl, shareGptJsonlLine } from './sharegpt-jsonl';
import type { CollectContext, JsonLineReader, SourceItem } from './types';

export type { CollectContext, JsonLineReader, LineContext, SourceItem } from './types';

/** Streams one file of a configured source with the reader for its type. Problems go to `ctx.problems`, not thrown. */
export function readSource(source: DataSource, ctx: CollectContext): AsyncGenerator<SourceItem> {
  switch (source.type) {
    case 'faq_csv':
      return readFaqCsv(source, ctx);
    case 'chat_logs':
      return readChatLogs(source, ctx);
    case 'chat_jsonl':
      return readChatJsonl(source, ctx);
    case 'instruction_jsonl':
      return readInstructionJsonl(source, ctx);
    case 'sharegpt_jsonl':
      return readShareGptJsonl(source, ctx);
  }
}

/**
 * The line reader of a JSONL source, for reading it in batches of lines (see parallel/); null for a source
 * whose records can span lines (CSV), which is read as a stream.
 */
export function jsonLineReader(source: DataSource): JsonLineReader | null {
  switch (source.type) {
    case 'faq_csv':
      return null;
    case 'chat_logs':
      return chatLogsLine(source);
    case 'chat_jsonl':
      return chatJsonlLine;
    case 'instruction_jsonl':
      return instructionJsonlLine;
    case 'sharegpt_jsonl':
      return shareGptJsonlLine;
  }
}
