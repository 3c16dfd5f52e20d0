import { createHash, randomBytes } from 'node:crypto';
import type { Arm } from './feedback-log';
import type { LoadedModel, Routing } from './served-models';

/**
 * A user's place in [0, 1), from a hash of the test's salt and their id: the same user always lands on the same arm
 * of one test, and each test splits users afresh.
 */
export function userPosition(salt: string, userId: string): number {
  const digest = createHash('sha256').update(salt).update('\0').update(userId).digest();
  // 48 bits are exact in a double.
  return digest.readUIntBE(0, 6) / 2 ** 48;
}

/** The model and arm that answer a user. Requests without a user id are spread at random, at the same share. */
export function route(routing: Routing, userId: string | undefined): { model: LoadedModel; arm: Arm } {
  if (routing.kind === 'single') return { model: routing.model, arm: routing.arm };
  const position = userId === undefined ? randomBytes(6).readUIntBE(0, 6) / 2 ** 48 : userPosition(routing.salt, userId);
  return position < routing.treatmentShare ? { model: routing.treatment, arm: 'treatment' } : { model: routing.control, arm: 'control' };
}

const ARM_CODES: Record<Arm, string> = { production: 'p', control: 'c', treatment: 't' };

/** Completion ids say which version and arm answered, so feedback on them finds its partition without server state. */
export function completionId(version: number, arm: Arm): string {
  return `chatcmpl-${version}${ARM_CODES[arm]}-${randomBytes(12).toString('hex')}`;
}

export function parseCompletionId(id: string): { version: number; arm: Arm } | null {
  const match = /^chatcmpl-(\d+)([pct])-[0-9a-f]{24}$/.exec(id);
  if (!match) return null;
  const arm = (Object.keys(ARM_CODES) as Arm[]).find((a) => ARM_CODES[a] === match[2])!;
  return { version: Number(match[1]), arm };
}
