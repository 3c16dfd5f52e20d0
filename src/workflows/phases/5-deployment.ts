import { ActivityFailure, ApplicationFailure, condition, ParentClosePolicy, patched, proxyActivities, setHandler, startChild, workflowInfo } from '@temporalio/workflow';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import type { Duration } from '@temporalio/common';
import { msToNumber } from '@temporalio/common/lib/time';
import type * as control from '../../activities/control';
import { NON_RETRYABLE_FAILURES } from '../../failures';
import type {
  ApprovalDecisionInput,
  ApprovalRecord,
  EvaluationResult,
  GateResult,
  ModelVersion,
  OutOfDomainResult,
  PreparedData,
  ResolvedPipeline,
  TrainingResult,
  ExportResult,
} from '../../pipeline/types';
import { cpuActivities } from '../activities';
import { approveDeploymentUpdate, rejectDeploymentUpdate } from '../messages';
import { workflowNow, type PipelineTracker } from '../status';
import type { EvaluationGraphs } from './3-experiment';
import { abTestWorkflow } from '../ab-test';

const { applyGate, registerModel, verifyApproval } = proxyActivities<typeof control>({
  startToCloseTimeout: '2 minutes',
  retry: { maximumAttempts: 5, nonRetryableErrorTypes: NON_RETRYABLE_FAILURES },
});

export interface DeploymentOutcome {
  gate: GateResult;
  approval: ApprovalRecord | null;
  modelVersion: ModelVersion | null;
  /** The A/B test deciding between the new version and production, when the spec rolls out by one. */
  abTestWorkflowId: string | null;
}

/**
 * Takes approval decisions from people. Registered when the pipeline starts so that a decision sent
 * too early is refused with a reason instead of waiting unseen. A decision counts only once a worker has
 * verified its signature against the approver's key (the workflow cannot hold keys or do crypto).
 */
export class ApprovalInbox {
  private pending: { evidence: GateResult['evidence']; approvers: string[] } | null = null;
  decision: ApprovalRecord | null = null;

  constructor() {
    const decide = (decision: ApprovalRecord['decision']) => async (input: ApprovalDecisionInput) => {
      const pending = this.pending!;
      const { workflowId, runId } = workflowInfo();
      const verified = await verifyApproval({
        expected: { workflowId, runId, decision: decision === 'approved' ? 'approve' : 'reject', evidenceSha256: pending.evidence.sha256, approvers: pending.approvers },
        approval: input,
      }).catch((err: unknown) => {
        // The update fails with the reason; the pipeline keeps waiting for a valid decision.
        const reason = err instanceof ActivityFailure && err.cause ? err.cause.message : String(err);
        throw ApplicationFailure.nonRetryable(reason, 'ApprovalRefused');
      });
      if (this.pending !== pending) throw ApplicationFailure.nonRetryable('another decision was taken meanwhile', 'ApprovalRefused');
      this.decision = {
        decision,
        by: verified.by,
        comment: input.statement.comment,
        mode: 'human',
        at: workflowNow(),
        evidence: pending.evidence,
        signed: { signedAt: verified.signedAt, signature: input.signature, keyFingerprint: verified.keyFingerprint },
      };
      this.pending = null;
      return this.decision;
    };
    const validator = (input: ApprovalDecisionInput) => {
      if (!this.pending) throw new Error('this pipeline has no deployment waiting for approval');
      const by = input?.statement?.by;
      if (typeof by !== 'string' || typeof input.signature !== 'string') {
        throw new Error('expected { "statement": {...}, "signature": "..." }: sign the decision with `tempered approve|reject`');
      }
      const approvers = this.pending.approvers;
      if (!approvers.includes(by)) throw new Error(`${by} is not an approver of this pipeline (approvers: ${approvers.join(', ')})`);
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
  exports: ExportResult | null,
  { baseline, fineTuned, outOfDomain }: { baseline: EvaluationResult; fineTuned: EvaluationResult; outOfDomain: OutOfDomainResult | null },
  graphs: EvaluationGraphs | null,
): Promise<DeploymentOutcome> {
  const { spec } = pipeline;
  const { checkReadiness } = cpuActivities(pipeline.queues);
  return tracker.phase('deployment', async (summary) => {
    // Runs started before the readiness checks go on without them.
    let readiness = null;
    const model = graphs?.fineTuned ?? exports?.onnx ?? exports?.onnxQuantized ?? exports?.onnxGenai;
    if (patched('readiness-checks') && spec.readiness.enabled) {
      if (model) readiness = await checkReadiness({ spec, model, test: data.test });
      else summary.readiness = 'skipped: no ONNX export to run the checks on';
    }
    const gate = await applyGate({ spec, baseline, fineTuned, readiness, outOfDomain });
    summary.gate = gate.passed ? 'passed' : 'failed';
    for (const check of gate.checks) {
      summary[check.metric] = check.mode === 'readiness' ? (check.passed ? 'ok' : 'FAIL') : `${round(check.value)} ${check.op} ${check.threshold}: ${check.passed ? 'ok' : 'FAIL'}`;
    }
    if (!gate.passed) return { gate, approval: null, modelVersion: null, abTestWorkflowId: null };

    const approval = await approve(tracker, inbox, pipeline, gate);
    summary.approval = `${approval.decision} by ${approval.by}`;
    if (approval.decision !== 'approved') return { gate, approval, modelVersion: null, abTestWorkflowId: null };

    const { abTest, waitingFor, ...modelVersion } = await registerModel({
      spec,
      specHash: pipeline.specHash,
      data,
      training,
      exports,
      evaluation: fineTuned,
      baseline,
      gate,
      approval,
      rollout: spec.deployment.ab_test.enabled ? 'ab-test' : 'production',
    });
    summary.modelVersion = `${modelVersion.name} v${modelVersion.version} (${modelVersion.stage})`;
    if (waitingFor) {
      const note =
        `v${modelVersion.version} stays a candidate: v${waitingFor.treatment} is still in an A/B test against v${waitingFor.control}. ` +
        `When that test ends, \`tempered models ab-test ${modelVersion.name} ${modelVersion.version}\` tests it against production, ` +
        `or \`tempered models promote ${modelVersion.name} ${modelVersion.version}\` puts it in production`;
      summary.abTest = note;
      tracker.status.warnings.push(note);
    }
    if (!abTest) return { gate, approval, modelVersion, abTestWorkflowId: null };

    summary.abTest = `v${abTest.treatment} against v${abTest.control}, ${abTest.treatmentShare * 100}% of users`;
    try {
      // The test outlives this pipeline: it runs until the feedback decides.
      await startChild(abTestWorkflow, {
        workflowId: abTest.workflowId,
        taskQueue: workflowInfo().taskQueue,
        parentClosePolicy: ParentClosePolicy.ABANDON,
        args: [{ pipeline: spec.name, control: abTest.control, treatment: abTest.treatment }],
      });
    } catch (err) {
      // A rerun that reproduced the candidate finds its test running.
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    }
    return { gate, approval, modelVersion, abTestWorkflowId: abTest.workflowId };
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
