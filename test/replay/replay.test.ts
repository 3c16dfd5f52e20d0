import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { Worker } from '@temporalio/worker';
import { historiesDir, workflowBundle } from '../support/temporal';

/**
 * Recorded histories of every workflow replay on the current code. A change that would break running
 * pipelines (a reordered activity, a removed timer) fails here; guard such changes with `patched()`,
 * then re-record on purpose with `npm run record-histories`.
 */
describe('replay of recorded histories', function () {
  this.timeout(120_000);
  const files = fs.existsSync(historiesDir) ? fs.readdirSync(historiesDir).filter((f) => f.endsWith('.json')) : [];

  it('has a recorded history of every workflow', () => {
    const types = new Set(
      files.map((f) => {
        const history = historyFromJSON(JSON.parse(fs.readFileSync(path.join(historiesDir, f), 'utf8')));
        return history.events?.[0]?.workflowExecutionStartedEventAttributes?.workflowType?.name;
      }),
    );
    assert.deepEqual([...types].sort(), ['abTestWorkflow', 'fineTuningPipeline', 'monitoringWorkflow', 'trainingTrial']);
  });

  for (const file of files) {
    it(`replays ${file} without non-determinism`, async () => {
      const history = JSON.parse(fs.readFileSync(path.join(historiesDir, file), 'utf8'));
      // Under its own workflow id: a pipeline names its sweep trials after it.
      const workflowId = historyFromJSON(history).events?.[0]?.workflowExecutionStartedEventAttributes?.workflowId || file;
      await Worker.runReplayHistory({ workflowBundle: await workflowBundle() }, history, workflowId);
    });
  }
});
