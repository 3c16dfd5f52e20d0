import fs from 'node:fs';
import path from 'node:path';
import { Context } from '@temporalio/activity';
import { openArtifactStore } from '../../artifacts/store';
import { alertTargets } from '../../config/alert-targets';
import { promptsFromTestSplit, runReadinessChecks, type ReadinessCheck, type ReadinessProgress } from '../../evaluation/readiness';
import { fail } from '../../failures';
import { OnnxModelRuntime } from '../../inference/onnx-runtime';
import type { ArtifactRef, PipelineSpec } from '../../pipeline/types';
import { readinessSchema, type ReadinessSettings } from '../../spec/readiness-schema';
import { withPeriodicHeartbeat } from '../trainer/periodic-heartbeat';
import { activityWorkDir } from '../trainer/work-dir';

export interface ReadinessInput {
  spec: PipelineSpec;
  /** A directory artifact of an ONNX export: the folder `OnnxModelRuntime.load` takes. */
  model: ArtifactRef;
  /** The test split (JSONL of `{ id, messages, category }`). */
  test: ArtifactRef;
}

export interface ReadinessResult {
  passed: boolean;
  checks: ReadinessCheck[];
  /** The stored report (`tempered.readiness/v1`). */
  report: ArtifactRef;
}

/**
 * The spec's `readiness` section with its defaults. Read off the spec as it comes, so the check runs on specs
 * whose schema does not declare the section yet. Problems name their path and never quote a value (a canary's
 * secret must not reach a failure message).
 */
export function readinessSettings(spec: unknown): ReadinessSettings {
  const parsed = readinessSchema.safeParse((spec as { readiness?: unknown } | null | undefined)?.readiness);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => `readiness${issue.path.map((p) => (typeof p === 'number' ? `.${p}` : `.${String(p)}`)).join('')}: ${issue.message}`);
  throw fail('InvalidPipelineSpec', `invalid readiness section: ${problems.join('; ')}`);
}

/** The alert target names the workers have configured, or why their file could not be read. URLs stay here. */
function workerAlertTargets(): string[] | { error: string } {
  try {
    return [...alertTargets().keys()];
  } catch (err) {
    return { error: err instanceof Error ? err.message : String(err) };
  }
}

/**
 * Production readiness, one step before approval: loads the exported ONNX model, asks it the security probes,
 * puts it under load and checks that monitoring can alert (see evaluation/readiness). Stores the report and
 * returns the checks; a failed check is a result, not an error, for the workflow to act on.
 */
export async function checkReadiness({ spec, model, test }: ReadinessInput): Promise<ReadinessResult> {
  const ctx = Context.current();
  const settings = readinessSettings(spec);
  const store = openArtifactStore();
  const header = { kind: 'tempered.readiness/v1', model: { sha256: model.sha256 }, test: { sha256: test.sha256 } };
  if (!settings.enabled) {
    const report = await store.putJson({ ...header, enabled: false, passed: true, checks: [] });
    return { passed: true, checks: [], report };
  }

  const workDir = activityWorkDir('readiness');
  let runtime: OnnxModelRuntime | undefined;
  try {
    const modelDir = path.join(workDir, 'model');
    const testFile = path.join(workDir, 'test.jsonl');
    let progress: ReadinessProgress | { stage: string } = { stage: 'download' };
    const result = await withPeriodicHeartbeat(
      () => progress,
      async () => {
        await store.getDirectory(model, modelDir);
        await store.getFile(test, testFile);
        const prompts = promptsFromTestSplit(fs.readFileSync(testFile, 'utf8'));
        progress = { stage: 'load model' };
        runtime = await OnnxModelRuntime.load(modelDir);
        return runReadinessChecks(runtime, {
          settings,
          prompts,
          systemPrompt: spec.data.system_prompt ?? null,
          customPiiPatterns: spec.data.pii.patterns,
          responseTime: spec.requirements.success_metrics.response_time,
          monitoring: { enabled: spec.monitoring.enabled, alertTargets: spec.monitoring.alert ? [spec.monitoring.alert.target] : [] },
          workerAlertTargets: workerAlertTargets(),
          seed: spec.data.split.seed,
          onProgress: (p) => {
            progress = p;
            ctx.heartbeat(p);
          },
          signal: ctx.cancellationSignal,
        });
      },
    );
    // The settings without the canaries' secrets: the report names canaries by index.
    const recorded = { ...settings, security: { ...settings.security, canaries: settings.security.canaries.length } };
    const report = await store.putJson({ ...header, enabled: true, settings: recorded, ...result });
    return { passed: result.passed, checks: result.checks, report };
  } finally {
    await runtime?.close();
    fs.rmSync(workDir, { recursive: true, force: true });
  }
}
