/** Every workflow the control worker serves: the pipeline, and the loops, A/B tests and sweep trials it starts. */
export { fineTuningPipeline } from './pipeline';
export { monitoringWorkflow } from './monitoring';
export { trainingTrial } from './training-trial';
export { abTestWorkflow } from './ab-test';
