import {
  ActivityFailure,
  condition,
  continueAsNew,
  ParentClosePolicy,
  proxyActivities,
  setHandler,
  startChild,
  workflowInfo,
} from '@temporalio/workflow';
import type { Duration } from '@temporalio/common';
import type * as control from '../activities/control';
import { NON_RETRYABLE_FAILURES } from '../failures';
import type { MonitoringInput, MonitoringState } from '../pipeline/types';
import { workflowNow } from './status';
import { checkMonitoringNowSignal, monitoringStateQuery, pauseMonitoringSignal, resumeMonitoringSignal, stopMonitoringSignal } from './messages';

const { checkProductionHealth, sendAlert } = proxyActivities<typeof control>({
  startToCloseTimeout: '5 minutes',
  retry: { maximumAttempts: 10, nonRetryableErrorTypes: NON_RETRYABLE_FAILURES },
});

/** Checks per run before continuing as new: a year of hourly checks stays far below the history limits. */
export const CHECKS_PER_RUN = 100;

/**
 * The continuous-improvement loop of one deployed model version: every interval it reads production
 * feedback, compares it with the spec's thresholds, alerts on a breach and, when the spec says so,
 * starts a retraining pipeline.
 */
export async function monitoringWorkflow(input: MonitoringInput): Promise<MonitoringState> {
  const state: MonitoringState = input.state ?? { iterations: 0, checkedUntil: null, paused: false, lastReport: null, alerts: 0, retrainings: [] };
  let stopped = false;
  let checkRequested = false;
  setHandler(monitoringStateQuery, () => state);
  setHandler(checkMonitoringNowSignal, () => void (checkRequested = true));
  setHandler(pauseMonitoringSignal, () => void (state.paused = true));
  setHandler(resumeMonitoringSignal, () => void (state.paused = false));
  setHandler(stopMonitoringSignal, () => void (stopped = true));

  const { thresholds, interval, retraining, alert } = input.monitoring;
  const checksPerRun = input.checksPerRun ?? CHECKS_PER_RUN;
  for (let checks = 0; checks < checksPerRun && !workflowInfo().continueAsNewSuggested; checks++) {
    await condition(() => stopped || checkRequested, interval as Duration);
    if (stopped) return state;
    checkRequested = false;
    if (state.paused) {
      await condition(() => !state.paused || stopped);
      continue;
    }
    const to = workflowNow();
    const report = await checkProductionHealth({
      pipeline: input.pipeline,
      modelVersion: input.modelVersion,
      from: state.checkedUntil,
      to,
      thresholds,
    });
    // Retrain once per streak of breaches, not at every check while the retrained model is on its way.
    const newBreach = report.breaches.length > 0 && (state.lastReport?.breaches.length ?? 0) === 0;
    state.iterations += 1;
    state.checkedUntil = to;
    state.lastReport = report;
    if (report.breaches.length === 0) continue;

    state.alerts += 1;
    try {
      await sendAlert({ pipeline: input.pipeline, modelVersion: input.modelVersion, report, target: alert?.target ?? null });
    } catch (err) {
      // A broken alert target must not end months of monitoring; the failure shows in the state and the history.
      state.lastAlertError = err instanceof ActivityFailure && err.cause ? err.cause.message : String(err);
    }
    if (newBreach && retraining.trigger === 'on_breach') {
      const workflowId = `${input.pipeline}-retrain-v${input.modelVersion}-${state.iterations}`;
      await startChild('fineTuningPipeline', {
        workflowId,
        taskQueue: input.queues.control,
        parentClosePolicy: ParentClosePolicy.ABANDON,
        args: [input.retrainInput],
      });
      state.retrainings.push(workflowId);
    }
  }
  return await continueAsNew<typeof monitoringWorkflow>({ ...input, state });
}
