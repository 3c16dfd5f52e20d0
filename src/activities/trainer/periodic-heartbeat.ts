import { Context } from '@temporalio/activity';

/**
 * Heartbeats the latest progress every 10 s while `work` runs: loading a large model sends no events for
 * minutes, and without a heartbeat the server would take the worker for lost.
 */
export async function withPeriodicHeartbeat<T>(progress: () => unknown, work: () => Promise<T>): Promise<T> {
  const ctx = Context.current();
  ctx.heartbeat(progress());
  const timer = setInterval(() => ctx.heartbeat(progress()), 10_000);
  try {
    return await work();
  } finally {
    clearInterval(timer);
  }
}
