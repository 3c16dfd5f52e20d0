import fs from 'node:fs';

/**
 * What the tests need to know about processes on this host, read from /proc: they observe the trainer
 * from outside, as an operator would, instead of asking the code under test for its pids.
 */
interface ProcessStat {
  pid: number;
  state: string;
  ppid: number;
  pgrp: number;
}

function stat(pid: number): ProcessStat | null {
  let text: string;
  try {
    text = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null;
  }
  // The command name (field 2) is in parentheses and may hold spaces: the fixed fields follow its last ')'.
  const [state, ppid, pgrp] = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return { pid, state, ppid: Number(ppid), pgrp: Number(pgrp) };
}

function allStats(): ProcessStat[] {
  return fs
    .readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .map((name) => stat(Number(name)))
    .filter((s): s is ProcessStat => s !== null);
}

/** A zombie has finished; it only waits for whoever adopted it to collect its exit status. */
function alive(s: ProcessStat): boolean {
  return s.state !== 'Z' && s.state !== 'X';
}

export function isRunning(pid: number): boolean {
  const s = stat(pid);
  return s !== null && alive(s);
}

/** Live trainer processes (`python -m tempered_trainer ...`) whose parent is `parentPid`. */
export function trainersStartedBy(parentPid: number): number[] {
  return allStats()
    .filter((s) => s.ppid === parentPid && alive(s))
    .filter((s) => {
      try {
        return fs.readFileSync(`/proc/${s.pid}/cmdline`, 'utf8').includes('tempered_trainer');
      } catch {
        return false;
      }
    })
    .map((s) => s.pid);
}

/** Live processes of the process group `pgid`. */
export function liveProcessesInGroup(pgid: number): number[] {
  return allStats()
    .filter((s) => s.pgrp === pgid && alive(s))
    .map((s) => s.pid);
}

/** Polls `probe` until it returns a value other than undefined/false; fails naming what it waited for. */
export async function waitFor<T>(probe: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`gave up after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
