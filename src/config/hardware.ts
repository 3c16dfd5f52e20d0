import fs from 'node:fs';
import { parse } from 'yaml';
import { z } from 'zod';
import { fail } from '../failures';

/**
 * What training costs on each kind of hardware, for the estimates shown before training starts. Throughput
 * comes from a dense bf16 peak and an expected model FLOPs utilisation for GPUs, and from a measured point
 * for CPU hosts; prices are the operator's (`TEMPERED_HARDWARE`, a YAML file on the control worker), since
 * they depend on the contract, not the chip.
 *
 * ```yaml
 * mfu: 0.35
 * cpu: { tokens_per_s: 210, parameters: 135M, usd_per_hour: 0.10 }
 * gpus:
 *   A100-80GB: { peak_tflops: 312, usd_per_hour: 1.9 }
 * ```
 */
export interface HardwareProfiles {
  /** The share of a GPU's peak a LoRA or full fine-tune reaches in practice. */
  mfu: number;
  cpu: { tokensPerS: number; parameters: number; usdPerHour: number | null };
  gpus: Map<string, { peakTflops: number; usdPerHour: number | null }>;
}

/**
 * Dense bf16 peaks from the vendors' data sheets (fp16 for T4 and V100, which lack bf16). Names are matched
 * without case and punctuation, and by prefix: `A100-80GB` finds `a100`.
 */
const GPU_PEAK_TFLOPS: Record<string, number> = { h200: 989, h100: 989, a100: 312, l40s: 362, l4: 121, a10g: 125, a10: 125, v100: 125, t4: 65 };

/** LoRA r=8 on SmolLM2-135M, batch 4 x 256 tokens, 2 threads of a 2-core cloud host: the project's measured point. */
const CPU_POINT = { tokensPerS: 210, parameters: 135e6 };
const DEFAULT_MFU = 0.35;

const size = z.union([z.number().positive(), z.string().regex(/^\d+(\.\d+)?\s*[KMB]$/i)], { error: 'expected a number or a size such as "135M"' });
const price = z.number().min(0).optional();
const fileSchema = z.strictObject({
  mfu: z.number().gt(0).max(1).optional(),
  cpu: z.strictObject({ tokens_per_s: z.number().positive().optional(), parameters: size.optional(), usd_per_hour: price }).optional(),
  gpus: z.record(z.string(), z.strictObject({ peak_tflops: z.number().positive().optional(), usd_per_hour: price })).optional(),
});

export function hardwareProfiles(env: NodeJS.ProcessEnv = process.env): HardwareProfiles {
  const profiles: HardwareProfiles = {
    mfu: DEFAULT_MFU,
    cpu: { ...CPU_POINT, usdPerHour: null },
    gpus: new Map(Object.entries(GPU_PEAK_TFLOPS).map(([name, peakTflops]) => [name, { peakTflops, usdPerHour: null }])),
  };
  const file = env.TEMPERED_HARDWARE;
  if (!file) return profiles;
  let parsed: unknown;
  try {
    parsed = parse(fs.readFileSync(file, 'utf8')) ?? {};
  } catch (err) {
    const { code, syscall } = err as NodeJS.ErrnoException;
    throw fail('WorkerMisconfigured', `TEMPERED_HARDWARE=${file}: ${syscall ? `cannot read the file (${code})` : `not valid YAML: ${(err as Error).message}`}`);
  }
  const result = fileSchema.safeParse(parsed);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    throw fail('WorkerMisconfigured', `TEMPERED_HARDWARE=${file}: ${issue.path.join('.') || '(top level)'}: ${issue.message}`);
  }
  const config = result.data;
  if (config.mfu !== undefined) profiles.mfu = config.mfu;
  if (config.cpu) {
    profiles.cpu = {
      tokensPerS: config.cpu.tokens_per_s ?? profiles.cpu.tokensPerS,
      parameters: config.cpu.parameters === undefined ? profiles.cpu.parameters : parseSize(config.cpu.parameters),
      usdPerHour: config.cpu.usd_per_hour ?? null,
    };
  }
  for (const [name, gpu] of Object.entries(config.gpus ?? {})) {
    const known = findGpu(profiles, name);
    const peakTflops = gpu.peak_tflops ?? known?.peakTflops;
    if (peakTflops === undefined) throw fail('WorkerMisconfigured', `TEMPERED_HARDWARE=${file}: gpus.${name}: unknown GPU; give its peak_tflops`);
    profiles.gpus.set(gpuKey(name), { peakTflops, usdPerHour: gpu.usd_per_hour ?? known?.usdPerHour ?? null });
  }
  return profiles;
}

/** The profile of a GPU named as a spec names it (`A100-80GB`, `NVIDIA H100 SXM`), exact name first, then by prefix. */
export function findGpu(profiles: HardwareProfiles, name: string): { peakTflops: number; usdPerHour: number | null } | undefined {
  const key = gpuKey(name).replace(/^nvidia/, '');
  const exact = profiles.gpus.get(key);
  if (exact) return exact;
  const prefix = [...profiles.gpus.keys()].filter((k) => key.startsWith(k)).sort((a, b) => b.length - a.length)[0];
  return prefix === undefined ? undefined : profiles.gpus.get(prefix);
}

function gpuKey(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]/g, '');
}

function parseSize(value: number | string): number {
  if (typeof value === 'number') return value;
  const match = /^(\d+(?:\.\d+)?)\s*([KMB])$/i.exec(value)!;
  return Number(match[1]) * { K: 1e3, M: 1e6, B: 1e9 }[match[2]!.toUpperCase() as 'K' | 'M' | 'B'];
}
