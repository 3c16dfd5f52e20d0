import type { ModelRuntime } from '../../inference/runtime';
import { readinessSchema } from '../../spec/readiness-schema';
import { checkCanaries } from './canaries';
import { checkLoad } from './load';
import { checkMonitoring } from './monitoring';
import { checkPiiLeaks, piiProbePrompts } from './pii-leaks';
import { checkPromptInjection } from './prompt-injection';
import type { ReadinessCheckName, ReadinessInput, ReadinessReport } from './types';

/**
 * The production readiness checklist on a loaded model: security (PII in answers, planted secrets, prompt
 * injection), scalability (a load test) and monitoring. The checks run one after another, so the load test
 * has the runtime to itself. With `readiness.enabled: false` nothing runs and the report passes, empty.
 */
export async function runReadinessChecks(runtime: ModelRuntime, input: ReadinessInput): Promise<ReadinessReport> {
  const settings = input.settings ?? readinessSchema.parse(undefined);
  if (!settings.enabled) return { passed: true, checks: [] };
  const { signal } = input;
  const progress = (check: ReadinessCheckName) => (done: number, total: number) => input.onProgress?.({ check, done, total });

  const checks = [
    await checkPiiLeaks(runtime, {
      settings: settings.security,
      prompts: input.prompts,
      systemPrompt: input.systemPrompt,
      customPiiPatterns: input.customPiiPatterns,
      onProgress: progress('security.pii_leaks'),
      signal,
    }),
    await checkCanaries(runtime, { settings: settings.security, onProgress: progress('security.canaries'), signal }),
    await checkPromptInjection(runtime, { settings: settings.security, seed: input.seed ?? 0, onProgress: progress('security.prompt_injection'), signal }),
    await checkLoad(runtime, {
      settings: settings.load,
      // Without a test split, the bundled probes make the traffic.
      prompts: input.prompts.length > 0 ? input.prompts : piiProbePrompts(input.systemPrompt),
      responseTime: input.responseTime,
      onProgress: progress('scalability.load'),
      signal,
    }),
    checkMonitoring(input),
  ];
  return { passed: checks.every((check) => check.passed), checks };
}
