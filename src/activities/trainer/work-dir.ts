import fs from 'node:fs';
import path from 'node:path';
import { Context } from '@temporalio/activity';
import { stateDir } from '../../config/paths';

/**
 * A directory per activity, stable across its retries on one host, so a retried training finds the
 * checkpoints its previous attempt left there.
 */
export function activityWorkDir(kind: string): string {
  const info = Context.current().info;
  const dir = path.join(stateDir, 'work', safe(info.workflowExecution?.workflowId ?? 'standalone'), `${kind}-${safe(info.activityId)}`);
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

function safe(name: string): string {
  return name.replace(/[^A-Za-z0-9_.-]/g, '_');
}
