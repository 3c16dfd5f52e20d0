import type { DataSource } from '../../../spec/schema';
import { checkReadable } from '../source-file';
import { collectChatJsonl } from './chat-jsonl';
import { collectChatLogs } from './chat-logs';
import { collectFaqCsv } from './faq-csv';
import { collectInstructionJsonl } from './instruction-jsonl';
import type { CollectContext, CollectedSource } from './types';

export type { CollectContext, CollectedSource, DroppedRow, DropReason } from './types';

/** Reads one configured source with the collector for its type. Problems go to `ctx.problems`, not thrown. */
export async function collectSource(source: DataSource, ctx: CollectContext): Promise<CollectedSource> {
  if (!(await checkReadable(ctx.file, ctx.problems))) {
    return { type: source.type, file: ctx.file.display, lines: 0, records: [], dropped: [] };
  }
  switch (source.type) {
    case 'faq_csv':
      return collectFaqCsv(source, ctx);
    case 'chat_logs':
      return collectChatLogs(source, ctx);
    case 'chat_jsonl':
      return collectChatJsonl(source, ctx);
    case 'instruction_jsonl':
      return collectInstructionJsonl(source, ctx);
  }
}
