/**
 * Names and inputs shared by the registry (activities) and the A/B test workflow: workflow-safe, no Node built-ins.
 */

/** One A/B test per candidate version: a rerun of the pipeline finds the test already running. */
export function abTestWorkflowId(pipeline: string, treatment: number): string {
  return `abtest-${pipeline}-v${treatment}`;
}
