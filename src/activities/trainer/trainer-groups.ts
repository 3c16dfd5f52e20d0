/**
 * The process groups of the trainers this worker runs. Each trainer leads its own group (spawned
 * detached), so a signal to the group reaches everything the trainer started, and a Ctrl-C meant for the
 * worker does not reach the trainer before the worker has decided what to do with it.
 */
const liveGroups = new Set<number>();

let exitHookInstalled = false;

/** Tracks a trainer's group until `release`, and makes sure it dies with this process at the latest. */
export function trackTrainerGroup(pid: number): void {
  liveGroups.add(pid);
  if (!exitHookInstalled) {
    // 'exit' handlers may only do synchronous work; process.kill is. A worker killed by a signal it does not
    // handle (SIGKILL always) runs no handler: then the trainer's parent watchdog ends the group
    // (trainer/tempered_trainer/watchdog.py).
    process.on('exit', killTrainerGroups);
    exitHookInstalled = true;
  }
}

/** Stops tracking a trainer that has exited, after killing whatever it left behind in its group. */
export function releaseTrainerGroup(pid: number): void {
  signalTrainerGroup(pid, 'SIGKILL');
  liveGroups.delete(pid);
}

/** Sends `signal` to every process of the trainer's group; a group that is already gone is no error. */
export function signalTrainerGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
  }
}

/** Kills every live trainer group at once: what an exiting worker does so that no trainer outlives it. */
export function killTrainerGroups(): void {
  for (const pid of liveGroups) signalTrainerGroup(pid, 'SIGKILL');
  liveGroups.clear();
}

let shuttingDown = false;

/**
 * A planned move: the worker is shutting down, so every trainer checkpoints at the end of its current step and
 * stops (SIGTERM to its group); their activities then fail as WorkerShuttingDown, a retryable failure, and the
 * retry resumes from that checkpoint on another worker.
 */
export function stopTrainersForShutdown(): void {
  shuttingDown = true;
  for (const pid of liveGroups) signalTrainerGroup(pid, 'SIGTERM');
}

export function workerIsShuttingDown(): boolean {
  return shuttingDown;
}
