/** Activities of the control queue: light, fast steps that decide rather than compute. */
export { resolvePipeline } from './planning/resolve-pipeline';
export { planPipeline } from './planning/plan';
export { estimateTraining } from './planning/estimate-training';
export { applyGate } from './deployment/gate';
export { registerModel } from './deployment/registry';
export { verifyApproval } from './deployment/verify-approval';
export { checkProductionHealth } from './monitoring/health';
export { sendAlert } from './monitoring/alert';
export { readAbTestWindow, concludeAbTest } from './rollout/ab-test';
export { storeRunReport } from './reporting/run-report';
