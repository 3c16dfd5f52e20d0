import { workerRoots } from '../../config/roots';
import { fail } from '../../failures';
import type { PipelineSpec } from '../../pipeline/types';
import { confineBaseModel } from '../../spec/confine';

/**
 * The trainer's view of the base model: `tiny:llama`, `package:<module>`, a hub id, or a model directory.
 * The control worker resolved and confined the spec's path; this worker, which loads the model, checks it
 * against its own TEMPERED_MODEL_ROOTS rather than trusting what arrived in the activity input.
 */
export function baseModelConfig(spec: PipelineSpec): { base_model: string; gguf_file: string | null } {
  const confined = confineBaseModel(spec.experiment.base_model, { specDir: null, roots: workerRoots(), source: spec.name });
  if (typeof confined !== 'string') throw fail('PathNotAllowed', `path refused:\n  experiment.base_model: ${confined.refused}`);
  return { base_model: confined, gguf_file: spec.experiment.gguf_file ?? null };
}
