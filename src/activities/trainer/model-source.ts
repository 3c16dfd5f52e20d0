import type { PipelineSpec } from '../../pipeline/types';

/** The trainer's view of the base model: a directory, a hub id, `package:<module>` or `tiny:llama`. */
export function baseModelConfig(spec: PipelineSpec): { base_model: string; gguf_file: string | null } {
  return { base_model: spec.experiment.base_model, gguf_file: spec.experiment.gguf_file ?? null };
}
