import { condition, proxyActivities, setHandler } from '@temporalio/workflow';
import type { Duration } from '@temporalio/common';
import { msToNumber } from '@temporalio/common/lib/time';
import type * as control from '../../activities/control';
import type {
  ApprovalDecisionInput,
  ApprovalRecord,
  EvaluationResult,
  GateResult,
  ModelVersion,
  PreparedData,
  ResolvedPipeline,
  TrainingResult,
} from '../../pipeline/types';
import { approveDeploymentUpdate, rejectDeploymentUpdate } from '../messages';
import { workflowNow, type PipelineTracker } from '../status';

const { applyGate, registerModel } = proxyActivities<typeof control>({
  startToCloseTimeout: '2 minutes',
  retry: { maximumAttempts: 5 },
});

export interface DeploymentOutcome {
  gate: GateResult;
  approval: ApprovalRecord | null;
  modelVersion: ModelVersion | null;
}

/**
 * Takes approval decisions from people. Registered when the pipeline starts so that a decision sent
 * too early is refused with a reason instead of waiting unseen.
 */
export class ApprovalInbox {
  private pending: { evidence: GateResult['evidence']; approvers: string[] } | null = null;
  decision: ApprovalRecord | null = null;

  constructor() {
    const decide = (decision: ApprovalRecord['decision']) => (input: ApprovalDecisionInput) => {
      const pending = this.pending;
      if (!pending) throw new Error('no decision pending');
      this.decision = { decision, by: input.by, comment: input.comment, mode: 'human', at: workflowNow(), evidence: pending.evidence };
      this.pending = null;
      return this.decision;
    };
    const validator = (input: ApprovalDecisionInput) => {
      if (!this.pending) throw new Error('this pipeline has no deployment waiting for approval');
      if (!input || typeof input.by !== 'string' || input.by.trim() === '') throw new Error('expected { "by": "<who decides>" }');
      const approvers = this.pending.approvers;
      if (approvers.length > 0 && !approvers.includes(input.by)) {
        throw new Error(`${input.by} is not an approver of this pipeline (approvers: ${approvers.join(', ')})`);
      }
    };
    setHandler(approveDeploymentUpdate, decide('approved'), { validator });
    setHandler(rejectDeploymentUpdate, decide('rejected'), { validator });
  }

  async waitForDecision(evidence: GateResult['evidence'], approvers: string[], timeout: string): Promise<ApprovalRecord | null> {
    this.pending = { evidence, approvers };
    const decided = await condition(() => this.decision !== null, timeout as Duration);
    this.pending = null;
    return decided ? this.decision : null;
  }
}

/** Phase 5: the gate from the success metrics, an approval with the evidence attached, the model registry. */
export async function deploymentPhase(
  tracker: PipelineTracker,
  inbox: ApprovalInbox,
  pipeline: ResolvedPipeline,
  data: PreparedData,
  training: TrainingResult,
  baseline: EvaluationResult,
  fineTuned: EvaluationResult,
): Promise<DeploymentOutcome> {
  const { spec } = pipeline;
  return tracker.phase('deployment', async (summary) => {
    const gate = await applyGate({ spec, baseline, fineTuned });
    summary.gate = gate.passed ? 'passed' : 'failed';
    for (const check of gate.checks) summary[check.metric] = `${round(check.value)} ${check.op} ${check.threshold}: ${check.passed ? 'ok' : 'FAIL'}`;
    if (!gate.passed) return { gate, approval: null, modelVersion: null };

    const approval = await approve(tracker, inbox, pipeline, gate);
    summary.approval = `${approval.decision} by ${approval.by}`;
    if (approval.decision !== 'approved') return { gate, approval, modelVersion: null };

    const modelVersion = await registerModel({
      spec,
      specHash: pipeline.specHash,
      data,
      training,
      evaluation: fineTuned,
      baseline,
      gate,
      approval,
    });
    summary.modelVersion = `${modelVersion.name} v${modelVersion.version}`;
    return { gate, approval, modelVersion };
  });
}

async function approve(tracker: PipelineTracker, inbox: ApprovalInbox, pipeline: ResolvedPipeline, gate: GateResult): Promise<ApprovalRecord> {
  const { approval } = pipeline.spec.deployment;
  if (approval.mode === 'auto') {
    return { decision: 'approved', by: 'gate', mode: 'auto', at: workflowNow(), evidence: gate.evidence };
  }
  const deadline = new Date(Date.now() + msToNumber(approval.timeout as Duration)).toISOString();
  tracker.status.awaitingApproval = { evidence: gate.evidence, approvers: approval.approvers, deadline };
  const decision = await inbox.waitForDecision(gate.evidence, approval.approvers, approval.timeout);
  tracker.status.awaitingApproval = null;
  if (decision) return decision;
  return {
    decision: approval.on_timeout === 'approve' ? 'approved' : 'rejected',
    by: 'timeout',
    comment: `no decision within ${approval.timeout}`,
    mode: 'timeout',
    at: workflowNow(),
    evidence: gate.evidence,
  };
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
