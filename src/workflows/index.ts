/** Every workflow the control worker serves: the pipeline, and the loops and sweep trials it starts. */
export { fineTuningPipeline } from './pipeline';
export { monitoringWorkflow } from './monitoring';
export { trainingTrial } from './training-trial';
