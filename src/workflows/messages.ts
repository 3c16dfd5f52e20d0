import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { AbTestState, ApprovalDecisionInput, ApprovalRecord, MonitoringState, PipelineStatus } from '../pipeline/types';

/** The pipeline's current phase, progress and headline metrics. */
export const statusQuery = defineQuery<PipelineStatus>('status');

/** A person's decision on a deployment waiting for approval; rejected by the validator unless one is pending. */
export const approveDeploymentUpdate = defineUpdate<ApprovalRecord, [ApprovalDecisionInput]>('approveDeployment');
export const rejectDeploymentUpdate = defineUpdate<ApprovalRecord, [ApprovalDecisionInput]>('rejectDeployment');

export const monitoringStateQuery = defineQuery<MonitoringState>('monitoringState');
export const pauseMonitoringSignal = defineSignal('pauseMonitoring');
export const resumeMonitoringSignal = defineSignal('resumeMonitoring');
export const stopMonitoringSignal = defineSignal('stopMonitoring');
/** Check now rather than at the end of the interval: after a deployment, an incident, a fix. */
export const checkMonitoringNowSignal = defineSignal('checkNow');

export const abTestStateQuery = defineQuery<AbTestState>('abTestState');
