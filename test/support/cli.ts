import { spawn } from 'node:child_process';
import path from 'node:path';

const cli = path.resolve(__dirname, '..', '..', '..', 'bin', 'tempered.js');

/** Runs the `tempered` CLI as a user would, in a child process with `env` over this process's environment. */
export function tempered(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** The JSON object a `--json` command prints as its last line. */
export const lastJsonLine = (stdout: string) => JSON.parse(stdout.trim().split('\n').pop()!);
