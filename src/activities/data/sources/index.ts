import type { DataSource } from '../../../spec/schema';
import { readChatJsonl } from './chat-jsonl';
import { readChatLogs } from './chat-logs';
import { readFaqCsv } from './faq-csv';
import { readInstructionJsonl } from './instruction-jsonl';
import { readShareGptJsonl } from './sharegpt-jsonl';
import type { CollectContext, SourceItem } from './types';

export type { CollectContext, SourceItem } from './types';

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
