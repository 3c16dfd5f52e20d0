/** Every workflow the control worker serves: the pipeline and the loops it starts. */
export { fineTuningPipeline } from './pipeline';
export { monitoringWorkflow } from './monitoring';
