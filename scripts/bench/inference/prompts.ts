import fs from 'node:fs';
import path from 'node:path';
import { runDataCheck, tempOutDir } from '../../../src/activities/data/data-check';
import { pipelinesDir } from '../../../src/config/paths';
import type { ChatMessage } from '../../../src/inference/runtime';
import { loadSpecFile } from '../../../src/spec/load';

export const DEMO_PIPELINE = path.join(pipelinesDir, 'customer-support-demo.yaml');

export interface DemoPrompts {
  /** The conversations before each reference answer (system prompt and question), in test-split order. */
  conversations: ChatMessage[][];
  /** Size of the test split they were taken from. */
  testRecords: number;
}

/**
 * The demo's test questions: its data phase run on the sample data (the same split the pipeline evaluates on),
 * the first `count` test records, each without its reference answer, as evaluation reads them.
 */
export async function demoPrompts(count: number): Promise<DemoPrompts> {
  const { spec, baseDir } = loadSpecFile(DEMO_PIPELINE);
  const outDir = tempOutDir();
  try {
    const result = await runDataCheck(spec, baseDir, { confine: false, outDir, writeWhenGateFails: false });
    if (!result.passed || !result.written) throw new Error(`${DEMO_PIPELINE}: the demo's data phase did not pass, so it has no test split`);
    const records = fs
      .readFileSync(result.written.splits.test, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as { messages: ChatMessage[] });
    if (records.length < count) throw new Error(`the demo's test split has ${records.length} records; asked for ${count} prompts`);
    return { conversations: records.slice(0, count).map((r) => r.messages.slice(0, -1)), testRecords: records.length };
  } finally {
    fs.rmSync(outDir, { recursive: true, force: true });
  }
}
