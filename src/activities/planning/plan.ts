import type { Approach, Plan, PipelineSpec } from '../../pipeline/types';

/** The guide's minimum dataset sizes: full fine-tuning 10,000+, LoRA/QLoRA 1,000+ (few-shot prompting: 100+). */
export const MINIMUM_EXAMPLES: Record<PipelineSpec['training']['method'], number> = { full: 10_000, lora: 1_000, qlora: 1_000 };

/** Phase 1's judgement: which approach fits, whether the data and the hardware are enough. */
export async function planPipeline({ spec }: { spec: PipelineSpec }): Promise<Plan> {
  const { approach, reasons } = chooseApproach(spec.requirements.approach);
  const warnings: string[] = [];
  const method = spec.training.method;

  if (approach !== 'fine-tuning' && approach !== 'hybrid') {
    warnings.push(`the decision chart recommends ${approach}, not fine-tuning: ${reasons.join('; ')}`);
  }
  const successMetrics = Object.entries(spec.requirements.success_metrics)
    .filter(([, t]) => t !== undefined)
    .map(([name, t]) => `${name} ${t!.op} ${t!.value}`);
  if (successMetrics.length === 0) warnings.push('no success metrics: the deployment gate will only compare with the base model');

  const minimumExamples = MINIMUM_EXAMPLES[method];
  const expected = spec.technical_requirements.data.expected_examples;
  if (expected !== undefined && expected < minimumExamples) {
    warnings.push(`${expected} expected examples is below the guideline for ${method} (${minimumExamples}+)`);
  }

  const parameters = parameterCount(spec.experiment);
  const gpuMemoryGb = parameters === null ? null : estimateTrainingMemoryGb(parameters, method);
  const compute = spec.technical_requirements.compute;
  if (parameters === null) {
    warnings.push(`cannot size GPU memory: set experiment.parameters (e.g. "1B") for ${spec.experiment.base_model}`);
  } else if (compute.gpus > 0 && compute.gpu_memory_gb !== undefined && gpuMemoryGb! > compute.gpu_memory_gb) {
    warnings.push(
      `${method} training of ${formatCount(parameters)} parameters needs about ${gpuMemoryGb} GB, more than the ${compute.gpu_memory_gb} GB GPU` +
        (method === 'full' ? '; consider LoRA or QLoRA' : method === 'lora' ? '; consider QLoRA' : ''),
    );
  }
  if (compute.gpus === 0 && method === 'qlora') warnings.push('QLoRA needs a CUDA GPU; technical_requirements.compute.gpus is 0');
  if (compute.gpus === 0 && parameters !== null && parameters > 1e9) {
    warnings.push(`training ${formatCount(parameters)} parameters without a GPU will take days; plan a GPU worker`);
  }
  return { approach, reasons, warnings, parameters, gpuMemoryGb, minimumExamples, successMetrics };
}

/** The guide's decision chart, in the order its questions are asked. */
export function chooseApproach(a: PipelineSpec['requirements']['approach']): { approach: Approach; reasons: string[] } {
  const reasons: string[] = [];
  if (a.knowledge_changes_often) reasons.push('knowledge changes often: retrieval keeps answers current without retraining');
  if (a.needs_style_adaptation) reasons.push('answers must follow a specific style or format: fine-tuning teaches it');
  if (a.needs_external_actions) {
    reasons.push(
      a.external_api_available ? 'answers need actions or live data from an API: function calling' : 'actions are needed but no API is reachable',
    );
  }
  const tools = a.needs_external_actions && a.external_api_available;
  const needs = [a.needs_style_adaptation, a.knowledge_changes_often, tools].filter(Boolean).length;
  let approach: Approach;
  if (needs >= 2) approach = 'hybrid';
  else if (a.needs_style_adaptation) approach = 'fine-tuning';
  else if (tools) approach = 'function-calling';
  else approach = 'rag';
  if (needs === 0) reasons.push('no style adaptation or live actions needed: retrieval over the documents is the cheapest start');
  return { approach, reasons };
}

/** Parameters from the spec, or from the model name (`Llama-3.2-1B`, `SmolLM2-135M`). */
export function parameterCount(experiment: PipelineSpec['experiment']): number | null {
  const fromText = (text: string) => {
    const match = /(\d+(?:\.\d+)?)\s*([KMB])(?![a-z])/i.exec(text);
    if (!match) return null;
    return Number(match[1]) * { K: 1e3, M: 1e6, B: 1e9 }[match[2].toUpperCase() as 'K' | 'M' | 'B'];
  };
  if (typeof experiment.parameters === 'number') return experiment.parameters;
  if (typeof experiment.parameters === 'string') return fromText(experiment.parameters);
  return fromText(experiment.base_model) ?? (experiment.gguf_file ? fromText(experiment.gguf_file) : null);
}

/**
 * Rule-of-thumb training memory (GB): full fine-tuning with AdamW in mixed precision holds about 16 bytes
 * per parameter (weights, gradients, two optimizer moments, fp32 master copy); LoRA keeps frozen 16-bit
 * weights (2 bytes) and QLoRA 4-bit ones (~0.55 bytes with quantisation constants). Plus 20% for
 * activations, adapters and the CUDA context at moderate batch sizes.
 */
export function estimateTrainingMemoryGb(parameters: number, method: PipelineSpec['training']['method']): number {
  const bytesPerParameter = { full: 16, lora: 2, qlora: 0.55 }[method];
  return Math.round(((parameters * bytesPerParameter * 1.2) / 1e9 + 0.5) * 10) / 10;
}

function formatCount(n: number): string {
  return n >= 1e9 ? `${(n / 1e9).toFixed(1)}B` : n >= 1e6 ? `${(n / 1e6).toFixed(0)}M` : `${n}`;
}
