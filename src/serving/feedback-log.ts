import { randomBytes } from 'node:crypto';
import type { ArtifactStore } from '../artifacts/store';
import type { InputFeatures } from '../monitoring/input-features';

/** Which traffic a version served: all of it, or one side of an A/B test. */
export type Arm = 'production' | 'control' | 'treatment';
export const ARMS: readonly Arm[] = ['production', 'control', 'treatment'];

/** One answered (or failed) request, as the server saw it. */
export interface RequestEvent {
  type: 'request';
  /** The completion id the client got back, which its feedback names. */
  id: string;
  at: string;
  latency_s: number;
  /** No answer was given (model failure, timeout). */
  error: boolean;
  /** The client went away before the answer was complete: not the model's failure, and no answer to judge or time. */
  cancelled?: true;
  prompt_tokens: number;
  completion_tokens: number;
  /** The question's length, language, category and word-bucket profile, for the drift check; never its text. */
  features?: InputFeatures;
  /** Only where the spec allows text in the log (deployment.serving.log_text), PII redacted. */
  prompt?: string;
  answer?: string;
}

/** What the user (or a support tool) said about an answer. */
export interface OutcomeEvent {
  type: 'feedback';
  /** The completion id of the answer. */
  id: string;
  at: string;
  resolved: boolean;
  rating?: number;
}

export type LogEvent = RequestEvent | OutcomeEvent;

export interface Partition {
  pipeline: string;
  version: number;
  arm: Arm;
}

export interface FeedbackWindow {
  requests: RequestEvent[];
  feedback: OutcomeEvent[];
}

/** Past this many hours a window is read by one listing of the version instead of one per hour and arm. */
const MAX_HOURLY_LISTINGS = 72;

/**
 * The feedback log lives in the artifact store as small batches under
 * `feedback/<pipeline>/v<version>/<arm>/<hour>/<written at>-<random>.json`: writers never contend on one document,
 * a reader of a time window lists only the hours it covers, and each batch is read once because windows are over
 * write time (feedback arriving late about an earlier answer is still counted, in the window it arrived in).
 */
export async function writeFeedbackBatch(store: ArtifactStore, partition: Partition, events: LogEvent[], now = new Date()): Promise<string> {
  if (events.length === 0) throw new Error('expected at least one feedback event');
  const written = now.toISOString();
  const name = `${hourPrefix(partition, written)}${nameSafe(written)}-${randomBytes(4).toString('hex')}.json`;
  await store.writeNamed(name, JSON.stringify(events));
  return name;
}

/** Events of one version (all arms, or those named) in batches written in `(from, to]`; `from` null: from the start. */
export async function readFeedbackWindow(
  store: ArtifactStore,
  pipeline: string,
  version: number,
  window: { from: string | null; to: string; arms?: readonly Arm[] },
): Promise<FeedbackWindow> {
  const arms = window.arms ?? ARMS;
  const from = window.from === null ? null : nameSafe(window.from);
  const to = nameSafe(window.to);
  const out: FeedbackWindow = { requests: [], feedback: [] };
  for (const name of await batchesIn(store, pipeline, version, arms, window.from, window.to)) {
    const writtenAt = name.slice(name.lastIndexOf('/') + 1, -'-00000000.json'.length);
    if ((from !== null && writtenAt <= from) || writtenAt > to) continue;
    for (const event of await readBatch(store, name)) {
      if (event.type === 'request') out.requests.push(event);
      else if (event.type === 'feedback') out.feedback.push(event);
    }
  }
  return out;
}

/**
 * One outcome per answer, the latest: a user who changes their mind, or a client that posts the same feedback
 * twice, counts once. With `served`, only outcomes about answers logged as given count: feedback naming an id
 * the server never answered (made up, or about a failed request) says nothing about a model.
 */
export function outcomesPerAnswer(feedback: readonly OutcomeEvent[], served?: ReadonlySet<string>): OutcomeEvent[] {
  const latest = new Map<string, OutcomeEvent>();
  for (const event of feedback) {
    if (served && !served.has(event.id)) continue;
    const earlier = latest.get(event.id);
    if (!earlier || earlier.at <= event.at) latest.set(event.id, event);
  }
  return [...latest.values()];
}

/** Every batch of a pipeline's log, all versions and arms, in name order (version, arm, hour, write time). */
export async function* readPipelineLog(store: ArtifactStore, pipeline: string): AsyncGenerator<LogEvent[]> {
  for (const name of await store.listNamed(`feedback/${pipeline}/`)) yield await readBatch(store, name);
}

/** One batch's events; none when it is gone (listed, then deleted). */
async function readBatch(store: ArtifactStore, name: string): Promise<LogEvent[]> {
  const raw = await store.readNamed(name);
  return raw ? (JSON.parse(raw.toString('utf8')) as LogEvent[]) : [];
}

async function batchesIn(store: ArtifactStore, pipeline: string, version: number, arms: readonly Arm[], from: string | null, to: string): Promise<string[]> {
  const versionPrefix = `feedback/${pipeline}/v${version}/`;
  const hours = from === null ? null : hoursBetween(from, to);
  if (hours === null || hours.length * arms.length > MAX_HOURLY_LISTINGS) {
    const all = await store.listNamed(versionPrefix);
    return all.filter((name) => arms.includes(name.slice(versionPrefix.length).split('/')[0] as Arm));
  }
  const names: string[] = [];
  for (const arm of arms) for (const hour of hours) names.push(...(await store.listNamed(`${versionPrefix}${arm}/${hour}/`)));
  return names;
}

/** The hour partitions from `from`'s hour to `to`'s, both included, or null when `to` is before `from`. */
function hoursBetween(from: string, to: string): string[] | null {
  const start = Date.parse(from.slice(0, 13) + ':00:00.000Z');
  const end = Date.parse(to.slice(0, 13) + ':00:00.000Z');
  if (!(end >= start)) return null;
  const hours: string[] = [];
  for (let t = start; t <= end && hours.length <= MAX_HOURLY_LISTINGS; t += 3_600_000) hours.push(new Date(t).toISOString().slice(0, 13));
  return hours;
}

function hourPrefix({ pipeline, version, arm }: Partition, isoTime: string): string {
  return `feedback/${pipeline}/v${version}/${arm}/${isoTime.slice(0, 13)}/`;
}

/** Document names allow no ':'; dropping them keeps ISO times in sort order. */
function nameSafe(isoTime: string): string {
  return isoTime.replace(/:/g, '');
}

/**
 * Buffers events and writes them as one batch per partition every `flushIntervalMs` (a crash loses at most that much),
 * and on close. A failed write keeps its events for the next flush.
 */
export class FeedbackLogWriter {
  private pending = new Map<string, { partition: Partition; events: LogEvent[] }>();
  private readonly timer: NodeJS.Timeout;
  private flushing: Promise<void> = Promise.resolve();
  /** The last write error, for the server's health answer. */
  lastError: string | null = null;

  constructor(
    private readonly store: ArtifactStore,
    flushIntervalMs = 1000,
  ) {
    this.timer = setInterval(() => void this.flush(), flushIntervalMs);
    this.timer.unref();
  }

  append(partition: Partition, event: LogEvent): void {
    const key = `${partition.pipeline}/${partition.version}/${partition.arm}`;
    let batch = this.pending.get(key);
    if (!batch) this.pending.set(key, (batch = { partition, events: [] }));
    batch.events.push(event);
  }

  /** Writes what is buffered; flushes run one after another. */
  flush(): Promise<void> {
    this.flushing = this.flushing.then(async () => {
      const batches = [...this.pending.values()];
      this.pending.clear();
      for (const { partition, events } of batches) {
        try {
          await writeFeedbackBatch(this.store, partition, events);
          this.lastError = null;
        } catch (err) {
          this.lastError = (err as Error).message;
          for (const event of events) this.append(partition, event);
        }
      }
    });
    return this.flushing;
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }
}
