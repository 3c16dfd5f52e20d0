import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Context } from '@temporalio/activity';
import { stateDir } from '../../config/paths';

/** What identifies one activity execution across its retries; the attempt number is deliberately absent. */
export interface ActivityIdentity {
  /** Absent for an activity not started by a workflow. */
  workflowId?: string;
  /** The workflow's run id, or a standalone activity's run id. */
  runId?: string;
  activityId: string;
}

/** Enough of the workflow id to recognise a folder in `ls`; the hash alone tells folders apart. */
const READABLE_PREFIX_LENGTH = 40;

/**
 * The folder name of an activity's work directory: `<workflow id, sanitized and truncated>-<kind>-<hash>`.
 * The hash covers the workflow id, run id and activity id, so ids that sanitize alike (`a:b`, `a_b`) get
 * different folders, and no raw id reaches the path: the name never holds a separator or `..`.
 */
export function workDirName(id: ActivityIdentity, kind: string): string {
  // A JSON array is an unambiguous encoding: no choice of ids makes two triples serialize alike.
  const digest = createHash('sha256')
    .update(JSON.stringify([id.workflowId ?? null, id.runId ?? null, id.activityId]))
    .digest('hex')
    .slice(0, 16);
  const readable = readablePart(id.workflowId ?? 'standalone').slice(0, READABLE_PREFIX_LENGTH);
  return `${readable}-${readablePart(kind)}-${digest}`;
}

/**
 * A directory per activity, stable across its retries on one host, so a retried training finds the
 * checkpoints its previous attempt left there. A new run of the workflow gets a new directory.
 */
export function activityWorkDir(kind: string): string {
  const dir = path.join(stateDir, 'work', workDirName(currentActivity(), kind));
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

/** The running activity's identity. */
export function currentActivity(): ActivityIdentity {
  const info = Context.current().info;
  return {
    workflowId: info.workflowExecution?.workflowId,
    runId: info.workflowExecution?.runId ?? info.activityRunId,
    activityId: info.activityId,
  };
}

/** Letters, digits, `_` and `-` only: dots go too, so no part of a name can be `.` or `..`. */
function readablePart(text: string): string {
  return text.replace(/[^A-Za-z0-9_-]/g, '_') || '_';
}
