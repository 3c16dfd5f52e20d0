import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MockActivityEnvironment } from '@temporalio/testing';
import { CheckpointKeeper, type CheckpointState } from '../../src/activities/experiment/checkpoints';
import { openArtifactStore } from '../../src/artifacts/store';

describe('CheckpointKeeper', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tempered-keeper-'));
  const store = openArtifactStore({ kind: 'local', dir: path.join(dir, 'store') });
  // Every attempt of one activity: the same workflow, run and activity id.
  const attempt = () => new MockActivityEnvironment({ workflowExecution: { workflowId: 'wf', runId: 'run' }, activityId: 'fine-tune-1' });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  const trainerCheckpoint = (step: number): string => {
    const folder = path.join(dir, 'trainer', `checkpoint-${step}`);
    fs.mkdirSync(folder, { recursive: true });
    fs.writeFileSync(path.join(folder, 'trainer_state.json'), JSON.stringify({ global_step: step }));
    fs.writeFileSync(path.join(folder, 'weights.bin'), `weights at step ${step}`);
    return folder;
  };

  it('resumes from the newest stored checkpoint when the last heartbeat that reached the server names an older, deleted one', async () => {
    // The lost attempt: its heartbeat with step 2 reached the server; step 4 was stored, step 2 deleted, and the
    // host was lost before the heartbeat naming step 4 went out.
    const stale = await attempt().run(async (): Promise<CheckpointState> => {
      const keeper = await CheckpointKeeper.forCurrentActivity(store);
      const heard = { ...(await keeper.upload(2, trainerCheckpoint(2), null)) };
      await keeper.upload(4, trainerCheckpoint(4), null);
      return heard;
    });
    assert.equal(stale.checkpointStep, 2);

    const restored = await attempt().run(async (): Promise<{ folder: string | null; step: number | null }> => {
      const keeper = await CheckpointKeeper.forCurrentActivity(store, stale);
      const folder = await keeper.restore(path.join(dir, 'retry'));
      return { folder, step: keeper.current.checkpointStep };
    });
    assert.equal(restored.step, 4);
    assert.equal(fs.readFileSync(path.join(restored.folder!, 'weights.bin'), 'utf8'), 'weights at step 4');
  });

  it('starts afresh in another activity\'s scope', async () => {
    const other = new MockActivityEnvironment({ workflowExecution: { workflowId: 'wf', runId: 'run' }, activityId: 'fine-tune-2' });
    const fresh = await other.run(async (): Promise<CheckpointState> => (await CheckpointKeeper.forCurrentActivity(store)).current);
    assert.equal(fresh.checkpointStep, null);
  });
});
