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
 * Feedback lives in the artifact store as batches named by the time they were written, so writers never
 * contend on one document and a monitoring check reads each batch exactly once: the windows are over
 * write time, and feedback that arrives late about an earlier answer is still counted.
 */
export async function appendFeedback(store: ArtifactStore, pipeline: string, version: number, events: FeedbackEvent[], now = new Date()): Promise<string> {
  if (events.length === 0) throw new Error('expected at least one feedback event');
  const name = `${prefix(pipeline, version)}${nameSafe(now.toISOString())}-${randomBytes(4).toString('hex')}.json`;
  await store.writeNamed(name, JSON.stringify(events));
  return name;
}

/** Events of the batches written in `(from, to]` (`from` null: from the beginning). */
export async function readFeedback(store: ArtifactStore, pipeline: string, version: number, from: string | null, to: string): Promise<FeedbackEvent[]> {
  const base = prefix(pipeline, version);
  const events: FeedbackEvent[] = [];
  for (const name of await store.listNamed(base)) {
    const writtenAt = name.slice(base.length, -'-00000000.json'.length);
    if ((from !== null && writtenAt <= nameSafe(from)) || writtenAt > nameSafe(to)) continue;
    const raw = await store.readNamed(name);
    if (raw) events.push(...(JSON.parse(raw.toString('utf8')) as FeedbackEvent[]));
  }
  return events;
}

/** Document names allow no ':'; dropping them keeps ISO times in sort order. */
function nameSafe(isoTime: string): string {
  return isoTime.replace(/:/g, '');
}

function prefix(pipeline: string, version: number): string {
  return `feedback/${pipeline}/v${version}/`;
}
