import { ApplicationFailure } from '@temporalio/common';

/**
 * Every kind of failure an activity reports on purpose, once: whether a retry can help, and what the
 * user should do. Activities throw through `fail()`; the workflows' retry policies take
 * `NON_RETRYABLE_FAILURES` from here, so the two cannot drift apart. Workflow code imports this file:
 * it must stay free of Node built-ins.
 */
export const FAILURES = {
  InvalidPipelineSpec: { retryable: false, hint: 'fix the spec file or the overrides; every problem is listed with its location' },
  OverrideNotAllowed: { retryable: false, hint: 'only run-time tunable fields may be overridden; change policy in the pipeline file' },
  PathNotAllowed: { retryable: false, hint: 'keep data under the spec directory or TEMPERED_DATA_ROOTS, models under TEMPERED_MODEL_ROOTS' },
  InvalidData: { retryable: false, hint: 'fix the listed lines of the data files' },
  DataSourceChanged: { retryable: true, hint: 'a data file changed while it was read; the retry reads it again' },
  DataQualityGateFailed: { retryable: false, hint: 'improve the data or relax data.quality in the spec' },
  InvalidTrainerConfig: { retryable: false, hint: 'fix the training section of the spec' },
  OutOfMemory: { retryable: false, hint: 'lower training.batch_size or data.max_length, or use method qlora' },
  TrainerNotInstalled: { retryable: false, hint: 'run `npm run bootstrap` on the worker host' },
  TrainerFailed: { retryable: true, hint: 'see the trainer output in the failure details' },
  TrainerCrashed: { retryable: true, hint: 'the trainer process died; the retry resumes from the last checkpoint' },
  TrainerHung: { retryable: true, hint: 'the trainer stopped reporting progress; the retry resumes from the last checkpoint' },
  WorkerShuttingDown: { retryable: true, hint: 'the gpu worker was stopped; another worker resumes from the checkpoint it just uploaded' },
  SweepFailed: { retryable: false, hint: 'no trial could be ranked by validation loss; each trial\'s error is in the sweep\'s status' },
  CheckpointLost: { retryable: false, hint: 'the checkpoint to resume from is gone from the artifact store; start the pipeline again' },
  ApprovalRefused: { retryable: false, hint: 'sign the decision with `tempered approve|reject` and a key listed in TEMPERED_APPROVER_KEYS' },
  AlertTargetUnknown: { retryable: false, hint: 'name a target configured in the workers\' TEMPERED_ALERT_TARGETS file' },
  AlertRejected: { retryable: false, hint: 'check the alert target\'s URL in TEMPERED_ALERT_TARGETS' },
  RegistryContentionError: { retryable: true, hint: 'many registrations of one pipeline at once; a later attempt gets in' },
  WorkerMisconfigured: { retryable: false, hint: 'fix the worker\'s environment and restart it' },
  // Raised by the artifact stores under these names (the error's name is its Temporal failure type).
  ArtifactNotFoundError: { retryable: false, hint: 'the artifact was deleted or the workers use different stores (TEMPERED_ARTIFACTS)' },
  ArtifactIntegrityError: { retryable: false, hint: 'the stored bytes were corrupted or tampered with; rerun the step that produced them' },
  ForeignArtifactError: { retryable: false, hint: 'every worker of a pipeline must use the same TEMPERED_ARTIFACTS' },
} as const satisfies Record<string, { retryable: boolean; hint: string }>;

export type FailureType = keyof typeof FAILURES;

/** Failure types that no retry can fix: the input, the data or the configuration is wrong. */
export const NON_RETRYABLE_FAILURES: FailureType[] = (Object.keys(FAILURES) as FailureType[]).filter((type) => !FAILURES[type].retryable);

/** An ApplicationFailure of a catalogued type, retryable or not as the catalogue says. */
export function fail(type: FailureType, message: string, ...details: unknown[]): ApplicationFailure {
  return ApplicationFailure.create({ type, message, nonRetryable: !FAILURES[type].retryable, details });
}

export function hintOf(type: FailureType): string {
  return FAILURES[type].hint;
}
