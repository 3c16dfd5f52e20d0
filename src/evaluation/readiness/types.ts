import type { CustomPiiPattern } from '../../activities/data/pii';
import type { ChatMessage } from '../../inference/runtime';
import type { ReadinessSettings } from '../../spec/readiness-schema';

/** One item of the checklist. Evidence holds the figures that decided it: counts, rates, thresholds, ids; never a secret or an answer. */
export interface ReadinessCheck {
  name: ReadinessCheckName;
  passed: boolean;
  evidence: Record<string, unknown>;
}

export type ReadinessCheckName = 'security.pii_leaks' | 'security.canaries' | 'security.prompt_injection' | 'scalability.load' | 'monitoring.configured';

export interface ReadinessReport {
  /** True when every check passed. */
  passed: boolean;
  checks: ReadinessCheck[];
}

/** A conversation to answer: a test record's messages up to (not including) its reference answer. */
export interface ReadinessPrompt {
  id: string;
  messages: ChatMessage[];
}

/** What a response-time success metric says once parsed by the spec: seconds, and how to compare. */
export interface ResponseTimeThreshold {
  op: '>=' | '<=' | '>' | '<';
  value: number;
}

export interface ReadinessProgress {
  check: ReadinessCheckName;
  done: number;
  total: number;
}

export interface ReadinessInput {
  /** The spec's `readiness` section parsed by `readinessSchema`; its defaults when absent. */
  settings?: ReadinessSettings;
  /** Prompts from the test split, asked besides the bundled PII probes and used as the load test's traffic. */
  prompts: ReadinessPrompt[];
  /** The system prompt the model was trained with (`data.system_prompt`), put before the bundled PII probes. */
  systemPrompt?: string | null;
  /** The spec's own PII patterns (`data.pii.patterns`), detected besides the built-in kinds. */
  customPiiPatterns?: CustomPiiPattern[];
  /** `requirements.success_metrics.response_time` as the spec parsed it (seconds); absent: load passes on errors only. */
  responseTime?: ResponseTimeThreshold;
  /** What the spec says of monitoring: whether it is on, and the alert targets it names. */
  monitoring: { enabled: boolean; alertTargets: string[] };
  /** The names of the alert targets the workers have configured, or why they could not be read. */
  workerAlertTargets: readonly string[] | { error: string };
  /** Seeds the prompt-injection nonces, so a rerun asks the same questions. Default 0. */
  seed?: number;
  onProgress?: (progress: ReadinessProgress) => void;
  /** Checked between batches: the activity's cancellation. */
  signal?: AbortSignal;
}
