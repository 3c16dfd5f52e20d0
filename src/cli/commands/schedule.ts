import { ScheduleOverlapPolicy, type Client, type ScheduleDescription, type ScheduleSpec } from '@temporalio/client';
import type { Duration } from '@temporalio/common';
import { taskQueues } from '../../config/queues';
import { PipelineName, PipelinePhase } from '../../pipeline/search-attributes';
import type { PipelineInput } from '../../pipeline/types';
import { connectClient } from '../connect';
import { EXIT, printJson } from '../output';
import { catalogueInput } from './run';

const OVERLAP: Record<string, ScheduleOverlapPolicy> = {
  skip: ScheduleOverlapPolicy.SKIP,
  'buffer-one': ScheduleOverlapPolicy.BUFFER_ONE,
  'buffer-all': ScheduleOverlapPolicy.BUFFER_ALL,
  'cancel-other': ScheduleOverlapPolicy.CANCEL_OTHER,
  'terminate-other': ScheduleOverlapPolicy.TERMINATE_OTHER,
  'allow-all': ScheduleOverlapPolicy.ALLOW_ALL,
};
const DURATION = /^\d+(ms|s|m|h|d)$/;

export interface CreateOptions {
  cron?: string;
  every?: string;
  set?: string[];
  id?: string;
  overlap: string;
  catchupWindow: string;
  json?: boolean;
}

async function withClient<T>(work: (client: Client) => Promise<T>): Promise<T> {
  const { client, close } = await connectClient();
  try {
    return await work(client);
  } finally {
    await close();
  }
}

/** The default schedule id of a pipeline: one schedule each unless `--id` names another. */
function scheduleId(pipeline: string, id: string | undefined): string {
  return id ?? `tempered-${pipeline}`;
}

/**
 * `tempered schedule create <pipeline> --cron "<expr>" | --every <duration>`: a Temporal Schedule that starts the
 * pipeline (with `--set` overrides, checked now as `tempered run` checks them), skipping a run while the previous one
 * is still going unless `--overlap` says otherwise, and catching up on runs missed within `--catchup-window`.
 */
export async function createScheduleCommand(specRef: string, opts: CreateOptions): Promise<number> {
  if ((opts.cron === undefined) === (opts.every === undefined)) throw new Error('expected one of --cron "<expression>" and --every <duration>');
  if (opts.every !== undefined && !DURATION.test(opts.every)) throw new Error(`--every ${opts.every}: expected a duration such as 30m, 6h or 7d`);
  if (!DURATION.test(opts.catchupWindow)) throw new Error(`--catchup-window ${opts.catchupWindow}: expected a duration such as 10m or 1h`);
  const overlap = OVERLAP[opts.overlap];
  if (!overlap) throw new Error(`--overlap ${opts.overlap}: expected one of ${Object.keys(OVERLAP).join(', ')}`);
  const { loaded, input } = catalogueInput(specRef, opts.set ?? []);
  const spec: ScheduleSpec = opts.cron !== undefined ? { cronExpressions: [opts.cron] } : { intervals: [{ every: opts.every as Duration }] };
  const id = scheduleId(input.pipeline as string, opts.id);
  await withClient(async (client) => {
    await client.schedule.create({
      scheduleId: id,
      spec,
      action: {
        type: 'startWorkflow',
        workflowType: 'fineTuningPipeline',
        // Temporal appends the scheduled time, so each run has its own id.
        workflowId: `${loaded.spec.name}-scheduled`,
        taskQueue: taskQueues().control,
        args: [input],
        typedSearchAttributes: [
          { key: PipelineName, value: loaded.spec.name },
          { key: PipelinePhase, value: 'planning' },
        ],
        memo: { spec: loaded.source, schedule: id },
      },
      policies: { overlap, catchupWindow: opts.catchupWindow as Duration },
      typedSearchAttributes: [{ key: PipelineName, value: loaded.spec.name }],
      memo: { pipeline: loaded.spec.name },
    });
  }).catch((err: Error) => {
    throw new Error(`creating schedule ${id}: ${err.message}`);
  });
  const summary = { scheduleId: id, pipeline: loaded.spec.name, ...(opts.cron !== undefined ? { cron: opts.cron } : { every: opts.every }), overlap: opts.overlap, overrides: input.overrides ?? {} };
  if (opts.json) printJson(summary);
  else console.log(`created schedule ${id}: ${loaded.spec.name} ${opts.cron !== undefined ? `at "${opts.cron}"` : `every ${opts.every}`} (overlap ${opts.overlap})`);
  return EXIT.ok;
}

function pipelineOf(args: readonly unknown[] | undefined): string {
  const input = args?.[0] as PipelineInput | undefined;
  return typeof input?.pipeline === 'string' ? input.pipeline : '(inline)';
}

function describeSpec(spec: ScheduleDescription['spec'] | undefined): string {
  if (!spec) return '';
  const intervals = (spec.intervals ?? []).map((i) => `every ${Math.round(Number(i.every) / 1000)} s`);
  const calendars = (spec.calendars ?? []).length > 0 ? [`${spec.calendars!.length} calendar rule(s)`] : [];
  return [...intervals, ...calendars].join(', ');
}

/** `tempered schedule list`: every pipeline schedule, its timing, whether it is paused, and its next run. */
export async function listSchedulesCommand(opts: { json?: boolean }): Promise<number> {
  const rows = await withClient(async (client) => {
    const found = [];
    for await (const s of client.schedule.list()) {
      if (s.action?.workflowType !== 'fineTuningPipeline') continue;
      const description = await client.schedule.getHandle(s.scheduleId).describe();
      found.push({
        scheduleId: s.scheduleId,
        pipeline: pipelineOf(description.action.args),
        timing: describeSpec(description.spec),
        paused: s.state.paused,
        nextRun: s.info.nextActionTimes[0]?.toISOString() ?? null,
      });
    }
    return found.sort((a, b) => a.scheduleId.localeCompare(b.scheduleId));
  });
  if (opts.json) printJson({ schedules: rows });
  else for (const r of rows) console.log(`${r.scheduleId}  ${r.pipeline}  ${r.timing}${r.paused ? '  PAUSED' : ''}  next ${r.nextRun ?? '-'}`);
  return EXIT.ok;
}

/** `tempered schedule describe <id>`: timing, policies, input, state and recent runs. */
export async function describeScheduleCommand(id: string, opts: { json?: boolean }): Promise<number> {
  const d = await withClient((client) => client.schedule.getHandle(id).describe());
  const shown = {
    scheduleId: d.scheduleId,
    pipeline: pipelineOf(d.action.args),
    input: d.action.args?.[0] ?? null,
    timing: describeSpec(d.spec),
    overlap: d.policies.overlap,
    catchupWindowS: d.policies.catchupWindow / 1000,
    paused: d.state.paused,
    note: d.state.note ?? null,
    recentRuns: d.info.recentActions.map((a) => ({ at: a.takenAt.toISOString(), workflowId: a.action.workflow.workflowId })),
    nextRuns: d.info.nextActionTimes.map((t) => t.toISOString()),
  };
  if (opts.json) printJson(shown);
  else console.log(JSON.stringify(shown, null, 2));
  return EXIT.ok;
}

/** `tempered schedule pause|unpause|trigger|delete <id>`. */
export async function changeScheduleCommand(change: 'pause' | 'unpause' | 'trigger' | 'delete', id: string, opts: { note?: string; json?: boolean }): Promise<number> {
  await withClient(async (client) => {
    const handle = client.schedule.getHandle(id);
    if (change === 'pause') await handle.pause(opts.note ?? 'paused with tempered schedule pause');
    else if (change === 'unpause') await handle.unpause(opts.note ?? 'unpaused with tempered schedule unpause');
    else if (change === 'trigger') await handle.trigger();
    else await handle.delete();
  });
  if (opts.json) printJson({ scheduleId: id, done: change });
  else console.log(`${change === 'trigger' ? 'triggered' : change === 'delete' ? 'deleted' : `${change}d`} schedule ${id}`);
  return EXIT.ok;
}
