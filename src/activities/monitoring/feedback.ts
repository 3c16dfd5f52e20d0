import { randomBytes } from 'node:crypto';
import type { ArtifactStore } from '../../artifacts/store';

/** One production outcome of an answer, as the serving layer or a support tool reports it. */
export interface FeedbackEvent {
  at: string;
  /** Did the answer resolve the customer's question? */
  resolved: boolean;
  latency_s: number;
  /** The request failed (timeout, server error) and no answer was given. */
  error: boolean;
  rating?: number;
}

/**
 * Feedback lives in the artifact store as batches named by time, so a monitoring check reads only
 * the batches of its window and writers never contend on one document.
 */
export async function appendFeedback(store: ArtifactStore, pipeline: string, version: number, events: FeedbackEvent[]): Promise<string> {
  if (events.length === 0) throw new Error('expected at least one feedback event');
  const first = events.map((e) => e.at).sort()[0];
  const name = `${prefix(pipeline, version)}${first}-${randomBytes(4).toString('hex')}.json`;
  await store.writeNamed(name, JSON.stringify(events));
  return name;
}

/** Events with `from < at <= to` (`from` null: from the beginning). */
export async function readFeedback(store: ArtifactStore, pipeline: string, version: number, from: string | null, to: string): Promise<FeedbackEvent[]> {
  const names = await store.listNamed(prefix(pipeline, version));
  const events: FeedbackEvent[] = [];
  for (const name of names) {
    // Batches are named `<time of first event>-<random>.json`: a batch that starts after the window is skipped unread.
    const batchStart = name.slice(prefix(pipeline, version).length, -'-00000000.json'.length);
    if (batchStart > to) continue;
    const raw = await store.readNamed(name);
    if (!raw) continue;
    for (const e of JSON.parse(raw.toString('utf8')) as FeedbackEvent[]) {
      if ((from === null || e.at > from) && e.at <= to) events.push(e);
    }
  }
  return events;
}

function prefix(pipeline: string, version: number): string {
  return `feedback/${pipeline}/v${version}/`;
}
