import fs from 'node:fs';
import { performance } from 'node:perf_hooks';
import { fail } from '../../failures';
import { OnnxModelRuntime } from '../../inference/onnx-runtime';
import type { ChatMessage } from '../../inference/runtime';

export interface OnnxPredictionsInput {
  /** A folder the trainer's export wrote (onnx/ or onnx-quantized/). */
  modelDir: string;
  /** Chat JSONL ({ id, messages, category }), the reference answer last. */
  testFile: string;
  predictionsFile: string;
  maxSamples: number | null;
  maxNewTokens: number;
  /** As in training: prompts keep their last maxLength tokens, and the loss is over the first maxLength. */
  maxLength: number;
  signal: AbortSignal;
  onProgress(done: number, total: number): void;
}

interface TestRecord {
  id: string;
  category: string | null;
  messages: ChatMessage[];
}

/**
 * The evaluation's answers from onnxruntime-node, as serving would give them: each test prompt on its own
 * (the latency is one request's, with nothing queued before it), greedy, up to `maxNewTokens`; and the mean
 * loss per answer token, as the trainer measures it. Writes the same predictions file the PyTorch path writes.
 */
export async function predictOnOnnx(input: OnnxPredictionsInput): Promise<{ loss: number; tokensPerSecond: number }> {
  const records = readTestRecords(input.testFile, input.maxSamples);
  const runtime = await OnnxModelRuntime.load(input.modelDir, { maxBatch: 1 });
  const tmp = `${input.predictionsFile}.tmp-${process.pid}`;
  try {
    const { loss, tokens } = await runtime.answerLoss(
      records.map((r) => r.messages),
      input.maxLength,
    );
    if (tokens === 0) throw fail('InvalidData', `${input.testFile}: every record's prompt is longer than max_length=${input.maxLength}`);
    const out = fs.openSync(tmp, 'w');
    let generated = 0;
    let seconds = 0;
    try {
      for (const [i, record] of records.entries()) {
        if (input.signal.aborted) throw input.signal.reason;
        const started = performance.now();
        const [answer] = await runtime.generate([
          { messages: record.messages.slice(0, -1), maxNewTokens: input.maxNewTokens, maxPromptTokens: input.maxLength },
        ]);
        const latency = (performance.now() - started) / 1000;
        generated += answer!.tokenIds.length;
        seconds += latency;
        const line = {
          id: record.id,
          category: record.category,
          reference: record.messages[record.messages.length - 1]!.content,
          prediction: answer!.text.trim(),
          latency_s: Math.round(latency * 10_000) / 10_000,
          new_tokens: answer!.tokenIds.length,
        };
        fs.writeSync(out, `${JSON.stringify(line)}\n`);
        input.onProgress(i + 1, records.length);
      }
    } finally {
      fs.closeSync(out);
    }
    fs.renameSync(tmp, input.predictionsFile);
    return { loss, tokensPerSecond: seconds > 0 ? generated / seconds : 0 };
  } finally {
    fs.rmSync(tmp, { force: true });
    await runtime.close();
  }
}

/** The test split's records, up to `limit`; a record that is not a finished conversation fails with its line. */
function readTestRecords(file: string, limit: number | null): TestRecord[] {
  const records: TestRecord[] = [];
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  for (const [index, text] of lines.entries()) {
    if (limit !== null && records.length >= limit) break;
    if (!text.trim()) continue;
    const where = `${file}:${index + 1}`;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (err) {
      throw fail('InvalidData', `${where}: invalid JSON (${(err as Error).message})`);
    }
    const record = value as Partial<TestRecord> & { id?: unknown };
    const messages = record.messages;
    const valid =
      Array.isArray(messages) &&
      messages.length >= 2 &&
      messages.every((m) => m && typeof m.content === 'string' && ['system', 'user', 'assistant'].includes(m.role)) &&
      messages[messages.length - 1]!.role === 'assistant';
    if (!valid) throw fail('InvalidData', `${where}: expected { messages: [...] } with a prompt and the assistant's answer last`);
    records.push({ id: String(record.id), category: typeof record.category === 'string' ? record.category : null, messages: messages.map((m) => ({ role: m.role, content: m.content })) });
  }
  if (records.length === 0) throw fail('InvalidData', `${file}: no records`);
  return records;
}
