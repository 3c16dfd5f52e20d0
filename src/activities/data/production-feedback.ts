import fs from 'node:fs';
import path from 'node:path';
import type { ArtifactStore } from '../../artifacts/store';
import { outcomesPerAnswer, readPipelineLog, type OutcomeEvent, type RequestEvent } from '../../serving/feedback-log';
import type { PipelineSpec } from '../../spec/schema';
import { localFile } from './input/local-files';
import type { SourceInputs } from './inputs';

/** The category of records learnt from production: their own, so the report and the balance measure show them apart. */
export const FEEDBACK_CATEGORY = 'production-feedback';

/**
 * The pipeline's serving log as one more data source: every answer a user marked resolved (at `min_rating` or
 * above when rated), with the question it answered, written as chat JSONL into `dir`. Only requests whose text
 * the server logged count (deployment.serving.log_text), already PII-redacted there; the data phase redacts,
 * deduplicates and places them again like any source, train only. Records come sorted by answer time and id, so
 * the same log gives the same file, and the data phase's cache knows it.
 */
export async function productionFeedbackSource(store: ArtifactStore, spec: PipelineSpec, dir: string): Promise<{ input: SourceInputs; records: number }> {
  const { min_rating: minRating } = spec.data.production_feedback;
  const answers = new Map<string, RequestEvent>();
  const feedback: OutcomeEvent[] = [];
  for await (const batch of readPipelineLog(store, spec.name)) {
    for (const event of batch) {
      if (event.type === 'feedback') feedback.push(event);
      else if (!event.error && !event.cancelled && event.prompt && event.answer) answers.set(event.id, event);
    }
  }
  // The latest word on an answer counts: a user may first say resolved, then come back.
  const outcomes = new Map(outcomesPerAnswer(feedback).map((f) => [f.id, f]));
  const learnt = [...answers.values()]
    .filter((answer) => {
      const outcome = outcomes.get(answer.id);
      return outcome?.resolved === true && (minRating === undefined || outcome.rating === undefined || outcome.rating >= minRating);
    })
    .sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : a.id < b.id ? -1 : 1));

  const file = path.join(dir, 'production-feedback.jsonl');
  const lines = learnt.map((a) =>
    JSON.stringify({ messages: [{ role: 'user', content: a.prompt }, { role: 'assistant', content: a.answer }], category: FEEDBACK_CATEGORY }),
  );
  fs.writeFileSync(file, lines.length ? lines.join('\n') + '\n' : '');
  const display = `feedback/${spec.name} (serving log)`;
  return {
    input: { source: { type: 'chat_jsonl', path: display, expert: false }, index: spec.data.sources.length, files: [localFile(file, display)], trainOnly: true },
    records: learnt.length,
  };
}
