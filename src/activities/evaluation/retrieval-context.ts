import fs from 'node:fs';
import { readSplitRecords } from '../data/split-records';
import { Bm25Retriever, ragMessages } from '../../evaluation/retrieval';

/**
 * The retrieval arms' test file: each test record with the `k` training answers that BM25 ranks highest for
 * its question put into its system message (the RAG prompt); the turns themselves stay as they were, so the
 * reference answer and the scoring are those of the arms without retrieval. Returns how many records got
 * at least one passage.
 */
export async function writeWithRetrievedContext(trainFile: string, testFile: string, outFile: string, k: number): Promise<{ records: number; withPassages: number }> {
  const retriever = await Bm25Retriever.fromRecords(readSplitRecords(trainFile));
  const out = fs.createWriteStream(outFile, 'utf8');
  let records = 0;
  let withPassages = 0;
  for await (const record of readSplitRecords(testFile)) {
    const turns = record.messages.filter((m) => m.role !== 'system');
    const system = record.messages.find((m) => m.role === 'system')?.content;
    let question = '';
    for (const m of turns.slice(0, -1)) if (m.role === 'user') question = m.content;
    const passages = question.trim() === '' ? [] : retriever.topK(question, k);
    const [context] = question.trim() === '' ? [] : ragMessages({ systemPrompt: system, passages, question });
    const messages = context?.role === 'system' ? [context, ...turns] : record.messages;
    records += 1;
    if (passages.length > 0) withPassages += 1;
    if (!out.write(`${JSON.stringify({ ...record, messages })}\n`)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
  }
  await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
  return { records, withPassages };
}
