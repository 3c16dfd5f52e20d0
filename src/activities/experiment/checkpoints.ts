import fs from 'node:fs';
import path from 'node:path';
import { ArtifactNotFoundError, type ArtifactRef, type ArtifactStore } from '../../artifacts/store';
import type { ScopedArtifactStore } from '../../artifacts/artifact-store';
import { fail } from '../../failures';
import { currentActivity, workDirName } from '../trainer/work-dir';

/** A checkpoint in the artifact store: the trainer's `checkpoint-<step>` folder as a directory artifact. */
export interface StoredCheckpoint {
  step: number;
  ref: ArtifactRef;
}

/** What the store holds of a training's checkpoints, as the fine-tune activity heartbeats it. */
export interface CheckpointState {
  /** The last checkpoint, uploaded before it was announced: a retry on any host resumes from it. */
  checkpoint: ArtifactRef | null;
  checkpointStep: number | null;
  /** The best checkpoint by validation loss so far (may be the last one). */
  best: StoredCheckpoint | null;
}

export const NO_CHECKPOINT: CheckpointState = { checkpoint: null, checkpointStep: null, best: null };

/** The scope's record of its newest checkpoint, written after each upload. */
const LATEST = 'latest-checkpoint.json';

/**
 * The fine-tune activity's checkpoints in a store scope of its own (one per workflow run and activity, the same
 * for every attempt), so that pruning deletes bytes nobody else can hold a ref to. The store keeps the last
 * checkpoint and the best one; older ones are deleted once a newer upload is complete.
 */
export class CheckpointKeeper {
  private state: CheckpointState;

  constructor(
    private readonly store: ScopedArtifactStore,
    previous: CheckpointState = NO_CHECKPOINT,
  ) {
    this.state = { ...previous };
  }

  /**
   * The running fine-tune activity's checkpoints: the newer of what its last heartbeat says and what the scope
   * records. A heartbeat reaches the server only every few seconds, so an attempt lost just after an upload may
   * have announced a checkpoint the server never heard of and deleted the one it did: the record names the newest.
   */
  static async forCurrentActivity(store: ArtifactStore, heartbeat: CheckpointState = NO_CHECKPOINT): Promise<CheckpointKeeper> {
    const scope = store.scope(`checkpoints/run-${workDirName(currentActivity(), 'fine-tune')}`);
    const raw = await scope.readNamed(LATEST);
    const recorded = raw ? (JSON.parse(raw.toString('utf8')) as CheckpointState) : NO_CHECKPOINT;
    const newer = (recorded.checkpointStep ?? -1) > (heartbeat.checkpointStep ?? -1);
    return new CheckpointKeeper(scope, newer ? recorded : heartbeat);
  }

  get current(): CheckpointState {
    return this.state;
  }

  /**
   * Downloads the checkpoint to resume from, and the best one when it is another, into `outputDir` as the
   * trainer's `checkpoint-<step>` folders; returns the folder to resume from, or null to start afresh.
   */
  async restore(outputDir: string): Promise<string | null> {
    const { checkpoint, checkpointStep, best } = this.state;
    // Folders an earlier attempt on this host left may be newer than the stored checkpoint, or half written.
    const restored = new Set([checkpointStep, best?.step].filter((step) => step != null).map((step) => `checkpoint-${step}`));
    for (const entry of fs.existsSync(outputDir) ? fs.readdirSync(outputDir) : []) {
      if (entry.startsWith('checkpoint-') && !restored.has(entry)) fs.rmSync(path.join(outputDir, entry), { recursive: true, force: true });
    }
    if (!checkpoint || checkpointStep === null) return null;
    const folder = path.join(outputDir, `checkpoint-${checkpointStep}`);
    try {
      await this.store.getDirectory(checkpoint, folder);
      if (best && best.step !== checkpointStep) await this.store.getDirectory(best.ref, path.join(outputDir, `checkpoint-${best.step}`));
    } catch (err) {
      if (err instanceof ArtifactNotFoundError) {
        throw fail('CheckpointLost', `the checkpoint of step ${checkpointStep} to resume from is gone: ${err.message}`);
      }
      throw err;
    }
    return folder;
  }

  /**
   * Uploads the trainer's checkpoint of `step` (`bestStep`: the best checkpoint's step as the trainer sees it),
   * then deletes the stored ones that are now neither the last nor the best.
   */
  async upload(step: number, folder: string, bestStep: number | null): Promise<CheckpointState> {
    const ref = await this.store.putDirectory(folder);
    const previous = this.state;
    let best = previous.best;
    if (bestStep === step) best = { step, ref };
    else if (bestStep !== null && previous.checkpointStep === bestStep && previous.checkpoint) best = { step: bestStep, ref: previous.checkpoint };
    this.state = { checkpoint: ref, checkpointStep: step, best };
    // Recorded before anything older is deleted: whoever resumes finds a checkpoint that exists.
    await this.store.writeNamed(LATEST, JSON.stringify(this.state));

    const keep = [ref, ...(best ? [best.ref] : [])];
    const kept = new Set(keep.map((k) => k.sha256));
    for (const old of [previous.checkpoint, previous.best?.ref]) {
      // The previous checkpoint may also have been the best: delete it once.
      if (old && !kept.has(old.sha256)) {
        kept.add(old.sha256);
        await this.store.deleteDirectory(old, keep);
      }
    }
    return this.state;
  }
}
