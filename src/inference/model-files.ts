import fs from 'node:fs';
import path from 'node:path';

/** A model folder as the trainer's `export` command writes it (onnx/, onnx-quantized/ or onnx-genai/). */
export interface ModelFiles {
  dir: string;
  modelPath: string;
  tokenizer: Record<string, unknown>;
  tokenizerConfig: TokenizerConfig;
  /** Tokens that end generation: generation_config.json's eos_token_id (one id or a list). */
  eosTokenIds: number[];
  /** config.json's max_position_embeddings, when present. */
  maxPositions: number | null;
  /**
   * config.json's head_dim (else hidden_size / num_attention_heads), when present: the genai builder's graphs
   * leave the cache's last dimension unnamed in their metadata.
   */
  headDim: number | null;
}

export interface TokenizerConfig {
  chat_template?: string | { name: string; template: string }[];
  bos_token?: unknown;
  eos_token?: unknown;
  pad_token?: unknown;
  [key: string]: unknown;
}

export class ModelFolderError extends Error {
  override name = 'ModelFolderError';
}

function readJson(dir: string, file: string, why: string): Record<string, unknown> {
  const full = path.join(dir, file);
  if (!fs.existsSync(full)) throw new ModelFolderError(`${full}: not found; the model folder needs ${file} (${why})`);
  try {
    return JSON.parse(fs.readFileSync(full, 'utf8')) as Record<string, unknown>;
  } catch (err) {
    throw new ModelFolderError(`${full}: not valid JSON: ${(err as Error).message}`);
  }
}

function readOptionalJson(dir: string, file: string): Record<string, unknown> | null {
  return fs.existsSync(path.join(dir, file)) ? readJson(dir, file, '') : null;
}

function idsOf(value: unknown): number[] {
  if (typeof value === 'number') return [value];
  if (Array.isArray(value)) return value.filter((v): v is number => typeof v === 'number');
  return [];
}

export function readModelFiles(dir: string): ModelFiles {
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) throw new ModelFolderError(`${dir}: model folder not found`);
  const modelPath = path.join(dir, 'model.onnx');
  if (!fs.existsSync(modelPath)) throw new ModelFolderError(`${modelPath}: not found; the model folder needs the ONNX graph model.onnx`);
  const tokenizer = readJson(dir, 'tokenizer.json', 'the tokenizer');
  const tokenizerConfig = readJson(dir, 'tokenizer_config.json', 'the chat template and special tokens') as TokenizerConfig;
  const generation = readOptionalJson(dir, 'generation_config.json');
  const config = readOptionalJson(dir, 'config.json');
  let eosTokenIds = idsOf(generation?.eos_token_id);
  if (eosTokenIds.length === 0) eosTokenIds = idsOf(config?.eos_token_id);
  if (eosTokenIds.length === 0) {
    throw new ModelFolderError(`${path.join(dir, 'generation_config.json')}: no eos_token_id here or in config.json; generation would never stop`);
  }
  const maxPositions = typeof config?.max_position_embeddings === 'number' ? config.max_position_embeddings : null;
  return { dir, modelPath, tokenizer, tokenizerConfig, eosTokenIds, maxPositions, headDim: headDimOf(config) };
}

function headDimOf(config: Record<string, unknown> | null): number | null {
  const { head_dim: headDim, hidden_size: hidden, num_attention_heads: heads } = config ?? {};
  if (typeof headDim === 'number') return headDim;
  return typeof hidden === 'number' && typeof heads === 'number' && heads > 0 && hidden % heads === 0 ? hidden / heads : null;
}
