import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { runTrainer } from '../../src/activities/trainer/trainer-process';
import { modelCacheDir, projectRoot, pythonBin, trainerDir } from '../../src/config/paths';
import type { ChatMessage } from '../../src/inference/runtime';
import { endlessTrainingConfig } from '../experiment/endless-training';

const referenceScript = path.join(projectRoot, 'test', 'inference', 'torch_greedy.py');
const lossScript = path.join(projectRoot, 'test', 'inference', 'torch_loss.py');

/**
 * Trains the tiny model for a few steps and exports it as the pipeline does (merged, onnx, onnx-quantized, and
 * with `genai` onnx-genai: the onnxruntime-genai model builder's graph) under `workDir/export`; returns that folder.
 */
export async function exportTinyModel(workDir: string, { genai = false }: { genai?: boolean } = {}): Promise<string> {
  // A high rate for a few steps, so the merged model is not the random base.
  const train = { ...endlessTrainingConfig(workDir), max_steps: 4, learning_rate: 0.01, seed: 7 };
  await runTrainer({ command: 'train', workDir, config: train });
  const exportDir = path.join(workDir, 'export');
  await runTrainer({
    command: 'export',
    workDir,
    config: {
      base_model: 'tiny:llama',
      gguf_file: null,
      model_dir: path.join(workDir, 'output', 'model'),
      method: 'lora',
      parts: ['merged', 'onnx', 'onnx_quantized', ...(genai ? ['onnx_genai'] : [])],
      output_dir: exportDir,
      seed: 42,
      check_new_tokens: 2,
      liveness_interval_s: 5,
      stall_timeout_s: 120,
    },
  });
  return exportDir;
}

export interface TorchGreedy {
  prompt_ids: number[];
  generated_ids: number[];
}

/** transformers' greedy generate on the merged model, one result per conversation. */
export function torchGreedy(mergedDir: string, conversations: ChatMessage[][], maxNewTokens: number, workDir: string): TorchGreedy[] {
  const file = path.join(workDir, 'conversations.json');
  fs.writeFileSync(file, JSON.stringify(conversations));
  const out = execFileSync(pythonBin, [referenceScript, mergedDir, String(maxNewTokens), file], {
    env: { ...process.env, PYTHONPATH: trainerDir, TEMPERED_MODEL_CACHE: modelCacheDir, HF_HUB_OFFLINE: '1' },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  return JSON.parse(out.trim().split('\n').pop()!) as TorchGreedy[];
}

/** The trainer's answer-token loss (its own tokenisation, transformers' forward pass) on the merged model. */
export function torchAnswerLoss(mergedDir: string, conversations: ChatMessage[][], maxLength: number, workDir: string): { loss: number; tokens: number } {
  const file = path.join(workDir, 'answered.json');
  fs.writeFileSync(file, JSON.stringify(conversations.map((messages, i) => ({ id: String(i), messages }))));
  const out = execFileSync(pythonBin, [lossScript, mergedDir, String(maxLength), file], {
    env: { ...process.env, PYTHONPATH: trainerDir, TEMPERED_MODEL_CACHE: modelCacheDir, HF_HUB_OFFLINE: '1' },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  return JSON.parse(out.trim().split('\n').pop()!) as { loss: number; tokens: number };
}
