import { setHandler, upsertSearchAttributes } from '@temporalio/workflow';
import { PipelinePhase } from '../pipeline/search-attributes';
import { PHASES, type PhaseName, type PhaseStatus, type PipelineStatus } from '../pipeline/types';
import { emptyRunFacts, type RunFacts } from '../report/run-facts';
import { statusQuery } from './messages';

/**
 * Keeps the pipeline's status for the `status` query and the `PipelinePhase` search attribute,
 * so a run can be followed from the CLI and filtered in the Web UI.
 */
export class PipelineTracker {
  readonly status: PipelineStatus;

  constructor(pipeline: string) {
    this.status = {
      pipeline,
      phase: 'planning',
      progress: { completed: 0, total: PHASES.length },
      phases: PHASES.map((name): PhaseStatus => ({ name, state: 'pending', summary: {} })),
      metrics: {},
      warnings: [],
      awaitingApproval: null,
      sweep: null,
      estimate: null,
      arms: null,
      outOfDomain: null,
      variants: null,
      outcome: null,
      facts: emptyRunFacts(),
      report: null,
    };
    setHandler(statusQuery, () => this.status);
  }

  /** Runs one phase, marking it running, then completed or failed. */
  async phase<T>(name: PhaseName, run: (summary: PhaseStatus['summary']) => Promise<T>): Promise<T> {
    const record = this.record(name);
    record.state = 'running';
    record.startedAt = workflowNow();
    this.status.phase = name;
    upsertSearchAttributes([{ key: PipelinePhase, value: name }]);
    try {
      const result = await run(record.summary);
      record.state = 'completed';
      this.status.progress.completed += 1;
      return result;
    } catch (err) {
      record.state = 'failed';
      this.status.phase = 'failed';
      upsertSearchAttributes([{ key: PipelinePhase, value: 'failed' }]);
      throw err;
    } finally {
      record.finishedAt = workflowNow();
    }
  }

  /** Keeps what a phase produced for the run's report (see RunFacts). */
  keep(facts: Partial<RunFacts>): void {
    Object.assign(this.status.facts!, facts);
  }

  skip(name: PhaseName, reason: string): void {
    const record = this.record(name);
    record.state = 'skipped';
    record.summary.skipped = reason;
  }

  finish(): void {
    this.status.phase = 'done';
    upsertSearchAttributes([{ key: PipelinePhase, value: 'done' }]);
  }

  private record(name: PhaseName): PhaseStatus {
    const record = this.status.phases.find((p) => p.name === name);
    if (!record) throw new Error(`unknown phase ${name}`);
    return record;
  }
}

/** Workflow time as ISO text: deterministic on replay. */
export function workflowNow(): string {
  return new Date(Date.now()).toISOString();
}

