import { findGpu, hardwareProfiles, type HardwareProfiles } from '../../config/hardware';
import { sweepTrials, trialSpec } from '../../pipeline/sweep';
import type { PipelineSpec, TokenLengths, TrainingEstimate } from '../../pipeline/types';
import { parameterCount } from './plan';

export interface EstimateTrainingInput {
  spec: PipelineSpec;
  /** Examples in the train split. */
  trainExamples: number;
  /** The records' lengths in the base model's tokens, as the data phase measured them. */
  tokens: TokenLengths;
}

/**
 * The planning guide's budget, refined once the data is known: how many steps and tokens training will take,
 * how long on the spec's hardware, and what it costs. Training compute is taken as 6 FLOPs per parameter and
 * token for full fine-tuning and 4 for LoRA and QLoRA (no weight gradients of the frozen base).
 */
export async function estimateTraining(input: EstimateTrainingInput): Promise<TrainingEstimate> {
  return estimateWith(input, hardwareProfiles());
}

export function estimateWith({ spec, trainExamples, tokens }: EstimateTrainingInput, profiles: HardwareProfiles): TrainingEstimate {
  const notes: string[] = [];
  const parameters = parameterCount(spec.experiment);
  const tokensPerExample = Math.min(tokens.mean, tokens.maxLength);
  const trials = spec.training.sweep ? sweepTrials(spec.training.sweep).map((params) => trialSpec(spec, params)) : [spec];
  const steps = trials.reduce((sum, trial) => sum + trainingSteps(trial, trainExamples), 0);
  const examplesPerStep = spec.training.batch_size * spec.training.gradient_accumulation_steps;
  const trainingTokens = Math.round(steps * examplesPerStep * tokensPerExample);
  const flopsPerToken = parameters === null ? null : (spec.training.method === 'full' ? 6 : 4) * parameters;

  const compute = spec.technical_requirements.compute;
  let hardware: string;
  let tokensPerS: number | null = null;
  let usdPerHour: number | null = null;
  if (compute.gpus > 0) {
    const name = compute.gpu_type ?? 'unknown GPU';
    hardware = `${compute.gpus} x ${name}`;
    const gpu = compute.gpu_type === undefined ? undefined : findGpu(profiles, compute.gpu_type);
    if (!gpu) {
      notes.push(`no throughput known for ${name}: set technical_requirements.compute.gpu_type to a known GPU or give its peak_tflops in TEMPERED_HARDWARE`);
    } else {
      if (flopsPerToken !== null) tokensPerS = (compute.gpus * gpu.peakTflops * 1e12 * profiles.mfu) / flopsPerToken;
      usdPerHour = gpu.usdPerHour === null ? null : gpu.usdPerHour * compute.gpus;
      notes.push(`${gpu.peakTflops} TFLOPS peak per GPU at ${Math.round(profiles.mfu * 100)}% utilisation`);
    }
  } else {
    hardware = 'cpu';
    // Throughput falls with model size: scale the measured point by parameters (and by FLOPs per token).
    if (flopsPerToken !== null) tokensPerS = (profiles.cpu.tokensPerS * 4 * profiles.cpu.parameters) / flopsPerToken;
    usdPerHour = profiles.cpu.usdPerHour;
    notes.push(`scaled from ${profiles.cpu.tokensPerS} tokens/s measured for LoRA on ${formatCount(profiles.cpu.parameters)} parameters`);
  }
  if (parameters === null) notes.push(`the model's parameter count is unknown: set experiment.parameters (e.g. "1B")`);
  if (usdPerHour === null) notes.push(`no price configured for ${hardware}: add usd_per_hour to TEMPERED_HARDWARE`);
  if (spec.training.sweep) notes.push(`${trials.length} trials, ${spec.training.sweep.max_parallel} at a time`);

  // Trials that run side by side share the wall clock, each on hardware of its own.
  const lanes = spec.training.sweep ? Math.min(spec.training.sweep.max_parallel, trials.length) : 1;
  const busySeconds = tokensPerS === null ? null : trainingTokens / tokensPerS;
  return {
    hardware,
    trials: trials.length,
    steps,
    tokens: trainingTokens,
    tokensPerS: tokensPerS === null ? null : round(tokensPerS),
    seconds: busySeconds === null ? null : Math.round(busySeconds / lanes),
    costUsd: busySeconds === null || usdPerHour === null ? null : Math.round((busySeconds / 3600) * usdPerHour * 100) / 100,
    notes,
  };
}

/** Optimizer steps one training run takes: max_steps when set, else epochs over the train split. */
export function trainingSteps(spec: PipelineSpec, trainExamples: number): number {
  if (spec.training.max_steps !== undefined) return spec.training.max_steps;
  const perEpoch = Math.ceil(trainExamples / (spec.training.batch_size * spec.training.gradient_accumulation_steps));
  return Math.ceil(perEpoch * spec.training.epochs);
}

function round(x: number): number {
  return Math.round(x * 10) / 10;
}

function formatCount(n: number): string {
  return n >= 1e9 ? `${n / 1e9}B` : n >= 1e6 ? `${n / 1e6}M` : `${n}`;
}
