import { z } from 'zod';
import { dataSchema, fraction } from './data-schema';
import { EVALUATION_RUNTIMES, ONNX_RUNTIMES } from '../pipeline/runtimes';
import { readinessSchema } from './readiness-schema';
import { sweepSchema } from './sweep-schema';

export { dataSourceSchema } from './data-schema';

/**
 * The pipeline spec: one YAML file under `pipelines/` describes a fine-tuning project through all six phases.
 * Field names follow the reference guide's templates (snake_case), so a team can paste from it.
 */

/** A duration in the form Temporal timers accept: `90s`, `15m`, `24h`, `7d`. */
const duration = z
  .string()
  .regex(/^\d+(\.\d+)?\s*(ms|s|m|h|d)$/, 'expected a duration such as "30s", "15m", "24h" or "7d"');


/**
 * A success metric threshold: a number, or the guide's text form (`">= 0.90"`, `"<= 3 seconds"`).
 * The comparison defaults to the metric's natural direction.
 */
const threshold = (direction: '>=' | '<=') =>
  z.union([z.number(), z.string()], { error: 'expected a number or a comparison such as ">= 0.90"' }).transform((raw, ctx) => {
    if (typeof raw === 'number') return { op: direction, value: raw };
    const match = /^\s*(>=|<=|>|<)?\s*(\d+(?:\.\d+)?)\s*(s|sec|secs|seconds?|ms)?\s*$/.exec(raw);
    if (!match) {
      ctx.addIssue({ code: 'custom', message: `expected a comparison such as "${direction} 0.90", got "${raw}"` });
      return z.NEVER;
    }
    const value = Number(match[2]) / (match[3] === 'ms' ? 1000 : 1);
    return { op: (match[1] ?? direction) as '>=' | '<=' | '>' | '<', value };
  });

export const successMetricsSchema = z.strictObject({
  /** Share of test answers that match the reference (see `evaluation.accuracy`). */
  accuracy: threshold('>=').optional(),
  /** 95th percentile of the time to generate one answer, in seconds. */
  response_time: threshold('<=').optional(),
  /** Share of answers that follow the house style (see `evaluation.consistency`). */
  consistency: threshold('>=').optional(),
  /** Share of answers in the required format (see `evaluation.format`). */
  format_validity: threshold('>=').optional(),
});

const requirementsSchema = z.strictObject({
  business_objective: z.string().min(1, 'expected a non-empty sentence'),
  target_users: z.string().min(1, 'expected a non-empty description'),
  success_metrics: successMetricsSchema.prefault({}),
  /** The guide's decision chart: fine-tuning, RAG, function calling or a hybrid. */
  approach: z
    .strictObject({
      knowledge_changes_often: z.boolean().default(false),
      needs_style_adaptation: z.boolean().default(true),
      needs_external_actions: z.boolean().default(false),
      external_api_available: z.boolean().default(false),
    })
    .prefault({}),
});

const technicalRequirementsSchema = z.strictObject({
  compute: z
    .strictObject({
      gpus: z.int().min(0).default(1),
      gpu_type: z.string().optional(),
      gpu_memory_gb: z.number().positive().optional(),
    })
    .prefault({}),
  data: z
    .strictObject({
      /** How many labelled examples the team expects to have; checked against the guide's guideline in planning. */
      expected_examples: z.int().min(0).optional(),
      labeled: z.boolean().default(true),
    })
    .prefault({}),
  infrastructure: z
    .strictObject({
      deployment: z.enum(['cloud', 'on_premise', 'edge']).default('cloud'),
    })
    .prefault({}),
});

const experimentSchema = z.strictObject({
  name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, 'expected letters, digits, "_", "-" or "."'),
  /**
   * `tiny:llama`, `package:<python module>` for a model shipped in a Python package, a Hugging Face hub id
   * (`org/name`, loaded from the worker's local cache), or a model directory (`/models/llama` or `./models/x`,
   * relative to the spec's directory) under one of the workers' TEMPERED_MODEL_ROOTS.
   */
  base_model: z.string().min(1),
  /** A GGUF file name inside `base_model` to load and dequantise (a name, not a path). */
  gguf_file: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*\.gguf$/, 'expected the name of a .gguf file inside base_model, without directories')
    .optional(),
  /** Parameter count when the name does not say it ("135M", "1.2B"); used for GPU sizing. */
  parameters: z.union([z.number().positive(), z.string().regex(/^\d+(\.\d+)?\s*[KMB]$/i)], {
    error: 'expected a number or a size such as "135M" or "7B"',
  }).optional(),
});

const trainingSchema = z
  .strictObject({
    method: z.enum(['lora', 'qlora', 'full']).default('lora'),
    epochs: z.number().positive().default(3),
    max_steps: z.int().positive().optional(),
    batch_size: z.int().positive().default(4),
    gradient_accumulation_steps: z.int().positive().default(1),
    learning_rate: z.number().positive().max(1).default(2e-4),
    warmup_steps: z.int().min(0).default(100),
    eval_steps: z.int().positive().default(50),
    save_steps: z.int().positive().default(50),
    early_stopping: z.strictObject({ patience: z.int().min(0).default(3) }).prefault({}),
    /** A trainer that reports nothing for this long is taken for hung: its attempt fails and the retry resumes. */
    heartbeat_timeout: duration.default('2m'),
    /** A trainer process that is alive but has made no step, evaluation batch or save for this long counts as hung too. */
    stall_timeout: duration.default('30m'),
    /** Pack several training examples into each sequence of up to data.max_length tokens: fewer pad tokens, fewer steps per epoch. */
    packing: z.boolean().default(false),
    /**
     * Against catastrophic forgetting: general-purpose chat or instruction JSONL, read by the gpu workers under their
     * TEMPERED_DATA_ROOTS. `replay` mixes its examples into training as `share` of the training examples; `held_out`
     * is measured before and after training.
     */
    forgetting: z
      .strictObject({
        replay: z
          .strictObject({
            path: z.string().min(1),
            share: z.number().gt(0, 'expected a share between 0 and 1, both excluded').lt(1, 'expected a share between 0 and 1, both excluded'),
          })
          .optional(),
        held_out: z.strictObject({ path: z.string().min(1) }).optional(),
      })
      .prefault({}),
    /** A search over learning rate, LoRA rank and alpha, epochs: one training per trial, the best by validation loss kept. */
    sweep: sweepSchema.optional(),
    lora: z
      .strictObject({
        r: z.int().positive().default(8),
        alpha: z.number().positive().default(16),
        dropout: z.number().min(0, 'expected a number in [0, 1)').lt(1, 'expected a number in [0, 1)').default(0.05),
        target_modules: z.array(z.string()).min(1).default(['q_proj', 'v_proj']),
      })
      .prefault({}),
  })
  .superRefine((t, ctx) => {
    if (t.method === 'full' && t.sweep) {
      for (const key of ['lora_r', 'lora_alpha'] as const) {
        if (t.sweep.parameters[key] !== undefined) {
          ctx.addIssue({ code: 'custom', path: ['sweep', 'parameters', key], message: 'applies to lora and qlora; method is full' });
        }
      }
    }
    // The best checkpoint is chosen at evaluations, so checkpoints must fall on evaluation steps.
    if (t.save_steps % t.eval_steps !== 0) {
      ctx.addIssue({ code: 'custom', path: ['save_steps'], message: `expected a multiple of eval_steps (${t.eval_steps}), got ${t.save_steps}` });
    }
  });

/**
 * What the experiment phase exports from the trained model besides the adapter. Evaluation runs the ONNX graphs,
 * so they are on unless a pipeline turns them off.
 */
export const exportSchema = z
  .strictObject({
    /** The adapter merged into its base model, as safetensors with the tokenizer (qlora: into the unquantized base). */
    merged: z.boolean().default(true),
    /** An ONNX graph with KV cache, for onnxruntime. */
    onnx: z.boolean().default(true),
    /** The ONNX graph with 4-bit weights (MatMulNBits), several times smaller and faster on a CPU. */
    onnx_quantized: z.boolean().default(true),
    /**
     * The int4 graph of onnxruntime-genai's model builder (GroupQueryAttention + MatMulNBits), the fastest on a CPU;
     * built in an environment of its own (.tempered/genai-venv, made by scripts/bootstrap.sh), so off unless asked.
     */
    onnx_genai: z.boolean().default(false),
  })
  .prefault({});

const evaluationSchema = z
  .strictObject({
    /**
     * What generates and scores the answers: `onnx`, the exported graph on onnxruntime-node (what serving loads);
     * `onnx-quantized`, its 4-bit variant; `onnx-genai`, the model builder's int4 graph; `pytorch`, the trainer's
     * transformers model (for a model the exporter cannot handle). The ONNX runtimes evaluate the base model on its
     * own export of the same kind, made once per base model.
     */
    runtime: z.enum(EVALUATION_RUNTIMES).default('onnx'),
    /** Cap on test examples generated per model; generation dominates evaluation time on a CPU. */
    max_samples: z.int().positive().optional(),
    max_new_tokens: z.int().positive().default(64),
    accuracy: z
      .strictObject({
        /** An answer counts as accurate when its token F1 against the reference reaches this value. */
        min_token_f1: fraction.default(0.5),
        /**
         * A label task (classification, routing): the answer counts as accurate when it names the reference's
         * label, and only that one, instead of by token F1.
         */
        labels: z.array(z.string().min(1)).min(2, 'expected at least two labels').optional(),
      })
      .prefault({}),
    /** The format every answer must have; the share that has it is the `format_validity` metric. */
    format: z
      .strictObject({
        type: z.literal('json'),
        /** Keys the answer's JSON object must have. */
        required_keys: z.array(z.string().min(1)).default([]),
      })
      .optional(),
    consistency: z
      .strictObject({
        max_words: z.int().positive().default(80),
        forbidden_phrases: z.array(z.string()).default([]),
      })
      .prefault({}),
    /**
     * The guide's other approaches, measured on the same test split: the base model with retrieval (RAG) and the
     * fine-tuned model with retrieval (hybrid), the `k` training answers BM25 ranks highest in the prompt.
     */
    /**
     * A general or out-of-domain set (chat or instruction JSONL, under the workers' data roots), answered by the
     * base and the fine-tuned model: fine-tuning can cost 10-30% of what a model did well before. The drop in token
     * F1 is reported with its paired interval; with `max_relative_drop`, a larger drop fails the gate.
     */
    out_of_domain: z
      .strictObject({
        path: z.string().min(1),
        /** Cap on the set's examples; default evaluation.max_samples. */
        max_samples: z.int().positive().optional(),
        /** Largest allowed drop of token F1, as a share of the base model's (0.1: at most 10% lower). */
        max_relative_drop: fraction.optional(),
      })
      .optional(),
    retrieval: z
      .strictObject({
        arms: z.boolean().default(false),
        k: z.int().positive().max(20).default(3),
        /** Token limit of a retrieval arm's prompt and answer: the passages make prompts longer than data.max_length. */
        max_length: z.int().positive().default(1024),
      })
      .prefault({}),
  })
  .prefault({});

const deploymentSchema = z
  .strictObject({
    gate: z
      .strictObject({
        /** Also require the fine-tuned model to score above the base model on accuracy. */
        require_improvement_over_baseline: z.boolean().default(true),
        /**
         * `point` compares each success metric's value with its threshold; `interval` compares the worst end of its
         * 95% interval (the lower end of accuracy, the upper end of the response time), so a lucky test split passes no less.
         */
        compare_on: z.enum(['point', 'interval']).default('point'),
        /** Require token F1 to be significantly above the base model's (paired test on the same test answers). */
        require_significant_improvement: z.boolean().default(false),
        alpha: z.number().gt(0).lt(1).default(0.05),
      })
      .prefault({}),
    approval: z
      .strictObject({
        mode: z.enum(['auto', 'human']).default('auto'),
        timeout: duration.default('24h'),
        on_timeout: z.enum(['reject', 'approve']).default('reject'),
        /** Names with a public key in the workers' TEMPERED_APPROVER_KEYS file; decisions must be signed with their keys. */
        approvers: z.array(z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.@-]*$/, 'expected a name of letters, digits, "_", ".", "@" or "-"')).default([]),
      })
      .superRefine((approval, ctx) => {
        if (approval.mode === 'human' && approval.approvers.length === 0) {
          ctx.addIssue({ code: 'custom', path: ['approvers'], message: 'expected at least one approver in human mode: nobody could approve otherwise' });
        }
      })
      .prefault({}),
    /**
     * Roll a new version out by an A/B test against production instead of replacing it at once: users are split by a
     * stable hash of their id, and a sequential test (mSPRT) on the resolved rate of their feedback decides.
     */
    ab_test: z
      .strictObject({
        enabled: z.boolean().default(false),
        treatment_share: fraction.default(0.1),
        /** Feedback events each arm needs before the test may decide (guardrails may end it sooner). */
        min_samples: z.int().positive().default(1000),
        /** Feedback events per arm after which an undecided test ends inconclusive: production stays, the candidate waits for an operator. */
        max_samples: z.int().positive().default(20000),
        /** The test's bound on deciding wrongly for a treatment no better or worse than production, however often it looks. */
        alpha: fraction.default(0.05),
        /** The difference in resolved rate the test is tuned to find fastest (the mixture's standard deviation). */
        effect_size: z.number().gt(0).lt(1).default(0.05),
        /** How often the A/B test workflow reads the feedback log. */
        check_every: duration.default('1h'),
        guardrails: z
          .strictObject({
            /** Roll back when the treatment's p95 latency is above the control's times this. */
            max_latency_ratio: z.number().gt(1).default(1.25),
            /** Roll back when the treatment's error rate is significantly above the control's by more than this. */
            max_error_rate_increase: fraction.default(0.02),
          })
          .prefault({}),
      })
      .superRefine((ab, ctx) => {
        if (ab.max_samples < ab.min_samples) ctx.addIssue({ code: 'custom', path: ['max_samples'], message: `expected at least min_samples (${ab.min_samples})` });
      })
      .prefault({}),
    /** How `tempered serve` answers for the versions of this pipeline. */
    serving: z
      .strictObject({
        /** Prompts and answers go to the feedback log (PII redacted) only when this is true; otherwise only figures. */
        log_text: z.boolean().default(false),
        /** The largest max_tokens a request may ask for, and the default when it asks for none. */
        max_tokens: z.int().positive().max(4096).default(256),
      })
      .prefault({}),
  })
  .prefault({});

const monitoringSchema = z
  .strictObject({
    enabled: z.boolean().default(true),
    interval: duration.default('1h'),
    thresholds: z
      .strictObject({
        min_accuracy: fraction.default(0.85),
        max_response_time: z.number().positive().default(3),
        max_error_rate: fraction.default(0.05),
        /** Below this many feedback events in an interval nothing is judged. */
        min_samples: z.int().positive().default(20),
      })
      .prefault({}),
    retraining: z
      .strictObject({
        trigger: z.enum(['on_breach', 'never']).default('never'),
      })
      .prefault({}),
    /** Where breaches are reported: a target name whose URL lives in the workers' TEMPERED_ALERT_TARGETS file, never in the spec. */
    alert: z.strictObject({ target: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, 'expected a target name such as "ops-chat"') }).optional(),
    /** Replaced by `alert.target`: a URL in the spec would travel in workflow history. */
    alert_webhook: z.unknown().optional(),
  })
  .superRefine((monitoring, ctx) => {
    if (monitoring.alert_webhook !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['alert_webhook'],
        message: 'webhook URLs no longer go in specs; name a target (alert: { target: ops-chat }) configured in the workers\' TEMPERED_ALERT_TARGETS file',
      });
    }
  })
  .prefault({});

export const pipelineSpecSchema = z.strictObject({
  name: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'expected lower-case letters, digits and "-"'),
  description: z.string().optional(),
  requirements: requirementsSchema,
  technical_requirements: technicalRequirementsSchema.prefault({}),
  experiment: experimentSchema,
  training: trainingSchema.prefault({}),
  export: exportSchema,
  data: dataSchema,
  evaluation: evaluationSchema,
  deployment: deploymentSchema,
  /** The production readiness checklist run before approval: security probes, a load test, monitoring. */
  readiness: readinessSchema,
  monitoring: monitoringSchema,
}).superRefine((spec, ctx) => {
  const metrics = spec.requirements.success_metrics;
  if (metrics.format_validity && !spec.evaluation.format) {
    ctx.addIssue({ code: 'custom', path: ['requirements', 'success_metrics', 'format_validity'], message: 'needs evaluation.format: the format the answers must have' });
  }
  const { runtime } = spec.evaluation;
  const needs = runtime === 'pytorch' ? null : ONNX_RUNTIMES[runtime].part;
  if (needs && !spec.export[needs]) {
    ctx.addIssue({
      code: 'custom',
      path: ['export', needs],
      message: `evaluation.runtime ${runtime} evaluates the ${needs} export: turn it on, or set evaluation.runtime to pytorch`,
    });
  }
});

/**
 * The fields a run may override (`overrides` in the workflow input, `--set` on the CLI): knobs that change
 * how a run trains and measures, not what it may do. The deployment policy, the success metrics, the data
 * sources, the model and the name stay as the pipeline file says; changing them means changing the file.
 */
export const RUN_TIME_TUNABLE_FIELDS = [
  'training.epochs',
  'training.max_steps',
  'training.batch_size',
  'training.gradient_accumulation_steps',
  'training.learning_rate',
  'training.warmup_steps',
  'training.eval_steps',
  'training.save_steps',
  'training.early_stopping.patience',
  'training.heartbeat_timeout',
  'training.stall_timeout',
  'training.packing',
  'training.lora.r',
  'training.lora.alpha',
  'training.lora.dropout',
  'training.lora.target_modules',
  'data.max_length',
  'evaluation.max_samples',
  'evaluation.max_new_tokens',
  'monitoring.interval',
] as const;

/** A validated pipeline spec with every default filled in. */
export type PipelineSpec = z.output<typeof pipelineSpecSchema>;
export type DataSource = PipelineSpec['data']['sources'][number];
export type Threshold = NonNullable<PipelineSpec['requirements']['success_metrics']['accuracy']>;
