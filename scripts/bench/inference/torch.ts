import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { modelCacheDir, projectRoot, pythonBin, trainerDir } from '../../../src/config/paths';
import type { ChatMessage } from '../../../src/inference/runtime';
import type { Answer, Contender } from './answers';

const script = path.join(projectRoot, 'scripts', 'bench', 'inference', 'torch_eager.py');

interface TorchEvent {
  event: 'ready' | 'round';
  prompt_ids?: number[][];
  results?: { token_ids: number[]; seconds: number }[];
}

/**
 * PyTorch eager in a Python process of its own (scripts/bench/inference/torch_eager.py), kept alive across rounds
 * so the model loads once; stderr goes to `logFile`.
 */
export class TorchContender implements Contender {
  readonly name = 'PyTorch eager (transformers generate, fp32)';
  private readonly events: AsyncIterator<string>;

  private constructor(
    private readonly child: ChildProcess,
    private readonly logFile: string,
    readonly promptIds: number[][],
    events: AsyncIterator<string>,
  ) {
    this.events = events;
  }

  static async start(opts: { module: string; ggufFile: string; threads: number; maxNewTokens: number; conversations: ChatMessage[][]; workDir: string }): Promise<TorchContender> {
    const conversationsFile = path.join(opts.workDir, 'conversations.json');
    fs.writeFileSync(conversationsFile, JSON.stringify(opts.conversations));
    const logFile = path.join(opts.workDir, 'torch.log');
    const child = spawn(pythonBin, [script, opts.module, opts.ggufFile, String(opts.threads), String(opts.maxNewTokens), conversationsFile], {
      env: { ...process.env, PYTHONPATH: trainerDir, TEMPERED_MODEL_CACHE: modelCacheDir, HF_HUB_OFFLINE: '1', TRANSFORMERS_OFFLINE: '1', TQDM_DISABLE: '1' },
      stdio: ['pipe', 'pipe', fs.openSync(logFile, 'w')],
    });
    const events = readline.createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
    const ready = await next(events, logFile);
    return new TorchContender(child, logFile, ready.prompt_ids!, events);
  }

  async warmUp(): Promise<void> {
    this.child.stdin!.write('warmup\n');
    await next(this.events, this.logFile);
  }

  async round(): Promise<Answer[]> {
    this.child.stdin!.write('round\n');
    const { results } = await next(this.events, this.logFile);
    return results!.map((r) => ({ tokenIds: r.token_ids, seconds: r.seconds }));
  }

  async close(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise((done) => this.child.once('exit', done));
    this.child.stdin!.end('quit\n');
    await exited;
  }
}

async function next(events: AsyncIterator<string>, logFile: string): Promise<TorchEvent> {
  for (;;) {
    const line = await events.next();
    if (line.done) {
      const tail = fs.readFileSync(logFile, 'utf8').trim().split('\n').slice(-15).join('\n');
      throw new Error(`the PyTorch process ended early; the end of ${logFile}:\n${tail}`);
    }
    // transformers may print notices on stdout; events are the JSON lines.
    if (line.value.startsWith('{')) return JSON.parse(line.value) as TorchEvent;
  }
}
