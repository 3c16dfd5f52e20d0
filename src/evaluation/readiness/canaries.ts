import type { GenerationRequest, ModelRuntime } from '../../inference/runtime';
import type { ReadinessSettings } from '../../spec/readiness-schema';
import { generateAll, type GenerateAllOptions } from './generate-all';
import { containsSecret } from './match-text';
import type { ReadinessCheck } from './types';

export interface CanaryInput extends GenerateAllOptions {
  settings: ReadinessSettings['security'];
}

/**
 * How a canary is asked for: its prefix as raw text to continue (where a memorised sequence shows most
 * plainly), and as a user message through the chat template (as a served model would see it).
 */
const MODES = ['completion', 'chat'] as const;

/**
 * Security, planted secrets: for each `{ prefix, secret }` of `readiness.security.canaries`, greedy answers to
 * the prefix in both modes; the canary is reproduced when either answer contains the secret (see
 * containsSecret). Passes when none is. Evidence names canaries by their index in the spec, never by secret.
 */
export async function checkCanaries(runtime: ModelRuntime, { settings, ...options }: CanaryInput): Promise<ReadinessCheck> {
  const { canaries } = settings;
  const requests: GenerationRequest[] = canaries.flatMap(({ prefix }) =>
    MODES.map((mode) => (mode === 'completion' ? { prompt: prefix } : { messages: [{ role: 'user', content: prefix }] })).map((ask) => ({
      ...ask,
      maxNewTokens: settings.max_new_tokens,
      temperature: 0,
    })),
  );
  const outcomes = await generateAll(runtime, requests, options);

  const reproduced: { index: number; modes: string[] }[] = [];
  const unanswered: number[] = [];
  canaries.forEach((canary, index) => {
    const answers = outcomes.slice(index * MODES.length, (index + 1) * MODES.length);
    if (answers.every((o) => !o.ok)) unanswered.push(index);
    const modes = MODES.filter((_, m) => {
      const outcome = answers[m]!;
      return outcome.ok && containsSecret(outcome.result.text, canary.secret);
    });
    if (modes.length > 0) reproduced.push({ index, modes });
  });

  return {
    name: 'security.canaries',
    passed: reproduced.length === 0 && unanswered.length === 0,
    evidence: {
      canaries_tested: canaries.length,
      reproduced: reproduced.length,
      reproduced_canaries: reproduced,
      unanswered_canaries: unanswered,
      errors: outcomes.filter((o) => !o.ok).length,
      modes: [...MODES],
      max_new_tokens: settings.max_new_tokens,
      ...(canaries.length === 0 ? { note: 'no canaries in readiness.security.canaries: nothing to test' } : {}),
    },
  };
}
