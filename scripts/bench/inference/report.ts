import { sameAnswers, tokensPerSecond, type Answer } from './answers';

/** Tempered's fastest variant against node-llama-cpp and PyTorch eager (per-request tokens/s, medians of rounds). */
export const TARGET_LLAMA_CPP = 1.0;
export const TARGET_TORCH = 4.0;

export interface ContenderFigures {
  name: string;
  /** The answers of each round, in prompt order. */
  rounds: Answer[][];
}

export interface BenchFigures {
  what: string;
  fp32: ContenderFigures;
  quantized: ContenderFigures;
  /** onnxruntime-genai's model builder graph (int4, GroupQueryAttention). */
  genai: ContenderFigures;
  /** The same graph with the idle threads spinning, as node-llama-cpp's thread pool does (`tempered serve --spin`). */
  genaiSpinning: ContenderFigures;
  llamaCpp: ContenderFigures;
  torch: ContenderFigures;
  batched: { fp32: number; quantized: number; genai: number; prompts: number };
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

const speed = (c: ContenderFigures) => median(c.rounds.map(tokensPerSecond));

export interface Headline {
  fastest: ContenderFigures;
  tempered: number;
  llamaCpp: number;
  torch: number;
  ratioLlamaCpp: number;
  ratioTorch: number;
  /** Share of prompts whose greedy answer from the fastest variant equals fp32's (first round; 1 when fp32 is fastest). */
  agreement: number;
}

export function headline(f: BenchFigures): Headline {
  // The first of the fastest: on a tie the more exact variant.
  const fastest = [f.fp32, f.quantized, f.genai, f.genaiSpinning].reduce((best, c) => (speed(c) > speed(best) ? c : best));
  const tempered = speed(fastest);
  const llamaCpp = speed(f.llamaCpp);
  const torch = speed(f.torch);
  const agreement = sameAnswers(fastest.rounds[0]!, f.fp32.rounds[0]!) / f.fp32.rounds[0]!.length;
  return { fastest, tempered, llamaCpp, torch, ratioLlamaCpp: tempered / llamaCpp, ratioTorch: tempered / torch, agreement };
}

const LABEL = 52;
const verdict = (ratio: number, target: number) => `target >= ${target.toFixed(1)}: ${ratio >= target ? 'met' : 'NOT met'}`;

export function table(f: BenchFigures): string {
  const h = headline(f);
  const rounds = f.fp32.rounds.map((_, i) => `round ${i + 1}`.padStart(9)).join('');
  const prompts = f.fp32.rounds[0]!.length;
  const row = (c: ContenderFigures) => {
    const perRound = c.rounds.map((answers) => tokensPerSecond(answers).toFixed(1).padStart(9)).join('');
    const tokens = c.rounds[0]!.reduce((n, a) => n + a.tokenIds.length, 0) / prompts;
    const same = `${sameAnswers(c.rounds[0]!, f.fp32.rounds[0]!)}/${prompts}`;
    return `${c.name.padEnd(LABEL)}${perRound}${speed(c).toFixed(1).padStart(9)}${tokens.toFixed(1).padStart(14)}${same.padStart(14)}`;
  };
  return [
    f.what,
    '',
    'tokens/s: new tokens / wall time of each request, prefill included, over a round; one request at a time',
    `${''.padEnd(LABEL)}${rounds}${'median'.padStart(9)}${'tokens/answer'.padStart(14)}${'same as fp32'.padStart(14)}`,
    ...[f.fp32, f.quantized, f.genai, f.genaiSpinning, f.llamaCpp, f.torch].map(row),
    '',
    'node-llama-cpp: LlamaCompletion on the same prompt token ids, cache cleared before each prompt; PyTorch: generate(), torch threads 2',
    `Tempered batched (all ${f.batched.prompts} prompts in one generate call): fp32 ${f.batched.fp32.toFixed(1)} tokens/s, quantized ${f.batched.quantized.toFixed(1)} tokens/s, genai ${f.batched.genai.toFixed(1)} tokens/s`,
    `fastest Tempered variant (one request at a time): ${h.fastest.name}, ${h.tempered.toFixed(1)} tokens/s`,
    `  vs node-llama-cpp   ${h.ratioLlamaCpp.toFixed(2)}x   ${verdict(h.ratioLlamaCpp, TARGET_LLAMA_CPP)}`,
    `  vs PyTorch eager    ${h.ratioTorch.toFixed(2)}x   ${verdict(h.ratioTorch, TARGET_TORCH)}`,
    `fastest variant's answers equal to fp32's: ${Math.round(h.agreement * prompts)}/${prompts} (${(h.agreement * 100).toFixed(0)}%)`,
  ].join('\n');
}

export function resultLine(f: BenchFigures): string {
  const h = headline(f);
  return [
    'RESULT inference',
    `tempered_tokens_per_s=${h.tempered.toFixed(1)}`,
    `llama_cpp_tokens_per_s=${h.llamaCpp.toFixed(1)}`,
    `torch_tokens_per_s=${h.torch.toFixed(1)}`,
    `ratio_llama_cpp=${h.ratioLlamaCpp.toFixed(2)}`,
    `ratio_torch=${h.ratioTorch.toFixed(2)}`,
    `agreement=${h.agreement.toFixed(2)}`,
  ].join(' ');
}
