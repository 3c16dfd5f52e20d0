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
  accuracy: threshold('>=').optional().describe('Share of test answers that match the reference, e.g. ">= 0.90".'),
  /** 95th percentile of the time to generate one answer, in seconds. */
  response_time: threshold('<=').optional().describe('95th percentile seconds to answer one request, e.g. "<= 3 seconds".'),
  /** Share of answers that follow the house style (see `evaluation.consistency`). */
  consistency: threshold('>=').optional().describe('Share of answers in the house style, e.g. ">= 0.95".'),
  /** Share of answers in the required format (see `evaluation.format`). */
  format_validity: threshold('>=').optional().describe('Share of answers in the required format (needs evaluation.format).'),
});

const requirementsSchema = z.strictObject({
  business_objective: z.string().min(1, 'expected a non-empty sentence').describe('What the model is for, in a sentence.'),
  target_users: z.string().min(1, 'expected a non-empty description').describe('Who will use the model.'),
  success_metrics: successMetricsSchema.prefault({}).describe('Thresholds the deployment gate checks.'),
  /** The guide's decision chart: fine-tuning, RAG, function calling or a hybrid. */
  approach: z
    .strictObject({
      knowledge_changes_often: z.boolean().default(false).describe('Decision chart: the answers depend on facts that change often (favours RAG).'),
      needs_style_adaptation: z.boolean().default(true).describe('Decision chart: the model must learn a tone, format or domain language (favours fine-tuning).'),
      needs_external_actions: z.boolean().default(false).describe('Decision chart: answers require calling other systems (favours function calling).'),
      external_api_available: z.boolean().default(false).describe('Decision chart: those systems have an API the model could call.'),
    })
    .prefault({}),
});

const technicalRequirementsSchema = z.strictObject({
  compute: z
    .strictObject({
      gpus: z.int().min(0).default(1).describe('GPUs one training uses; 0 for a CPU host.'),
      gpu_type: z.string().optional().describe('GPU model for the time and cost estimate, e.g. H100 or A100-80GB.'),
      gpu_memory_gb: z.number().positive().optional().describe('Memory of one GPU, checked against the planned memory estimate.'),
    })
    .prefault({}),
  data: z
    .strictObject({
      /** How many labelled examples the team expects to have; checked against the guide's guideline in planning. */
      expected_examples: z.int().min(0).optional().describe('Labelled examples the team expects; checked against the guideline for the method.'),
      labeled: z.boolean().default(true).describe('Whether the examples come with reference answers.'),
    })
    .prefault({}),
  infrastructure: z
    .strictObject({
      deployment: z.enum(['cloud', 'on_premise', 'edge']).default('cloud').describe('Where the model will be served.'),
    })
    .prefault({}),
});

const experimentSchema = z.strictObject({
  name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, 'expected letters, digits, "_", "-" or "."').describe('Name of the experiment, recorded in lineage.'),
  /**
   * `tiny:llama`, `package:<python module>` for a model shipped in a Python package, a Hugging Face hub id
   * (`org/name`, loaded from the worker's local cache), or a model directory (`/models/llama` or `./models/x`,
   * relative to the spec's directory) under one of the workers' TEMPERED_MODEL_ROOTS.
   */
  base_model: z.string().min(1).describe('The model to fine-tune: tiny:llama, package:<module>, a hub id, or a folder under TEMPERED_MODEL_ROOTS.'),
  /** A GGUF file name inside `base_model` to load and dequantise (a name, not a path). */
  gguf_file: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*\.gguf$/, 'expected the name of a .gguf file inside base_model, without directories')
    .optional().describe('A GGUF file inside base_model to load and dequantise.'),
  /** Parameter count when the name does not say it ("135M", "1.2B"); used for GPU sizing. */
  parameters: z.union([z.number().positive(), z.string().regex(/^\d+(\.\d+)?\s*[KMB]$/i)], {
    error: 'expected a number or a size such as "135M" or "7B"',
  }).optional().describe('Parameter count when the model name does not say it, e.g. "135M"; for GPU sizing.'),
});

const trainingSchema = z
  .strictObject({
    method: z.enum(['lora', 'qlora', 'full']).default('lora').describe('LoRA adapters, LoRA on a 4-bit base (GPU only), or every weight.'),
    epochs: z.number().positive().default(3).describe('Passes over the training split.'),
    max_steps: z.int().positive().optional().describe('Stop after this many optimizer steps, whatever the epochs.'),
    batch_size: z.int().positive().default(4).describe('Examples per device per step.'),
    gradient_accumulation_steps: z.int().positive().default(1).describe('Batches summed before each optimizer step.'),
    learning_rate: z.number().positive().max(1).default(2e-4).describe('Peak learning rate.'),
    warmup_steps: z.int().min(0).default(100).describe('Steps of linear warm-up to the learning rate.'),
    eval_steps: z.int().positive().default(50).describe('Evaluate on the validation split every this many steps.'),
    save_steps: z.int().positive().default(50).describe('Checkpoint every this many steps; a multiple of eval_steps.'),
    early_stopping: z.strictObject({ patience: z.int().min(0).default(3) }).prefault({}).describe('Stop after patience evaluations without a better validation loss.'),
    /** A trainer that reports nothing for this long is taken for hung: its attempt fails and the retry resumes. */
    heartbeat_timeout: duration.default('2m').describe('A trainer silent this long is taken for hung; its attempt is retried from the last checkpoint.'),
    /** A trainer process that is alive but has made no step, evaluation batch or save for this long counts as hung too. */
    stall_timeout: duration.default('30m').describe('A trainer alive but without a step, evaluation batch or save this long counts as hung.'),
    /** Pack several training examples into each sequence of up to data.max_length tokens: fewer pad tokens, fewer steps per epoch. */
    packing: z.boolean().default(false).describe('Pack several examples into each sequence of up to data.max_length tokens.'),
    /**
     * Against catastrophic forgetting: general-purpose chat or instruction JSONL, read by the gpu workers under their
     * TEMPERED_DATA_ROOTS. `replay` mixes its examples into training as `share` of the training examples; `held_out`
     * is measured before and after training.
     */
    forgetting: z
      .strictObject({
        replay: z
          .strictObject({
            path: z.string().min(1).describe('General chat or instruction JSONL under the data roots.'),
            share: z.number().gt(0, 'expected a share between 0 and 1, both excluded').lt(1, 'expected a share between 0 and 1, both excluded').describe('Share of the training examples drawn from it.'),
          })
          .optional(),
        held_out: z.strictObject({ path: z.string().min(1) }).optional().describe('A general set whose loss is measured before and after training.'),
      })
      .prefault({}),
    /** A search over learning rate, LoRA rank and alpha, epochs: one training per trial, the best by validation loss kept. */
    sweep: sweepSchema.optional().describe('Search hyperparameters: one training per trial, the lowest validation loss kept.'),
    lora: z
      .strictObject({
        r: z.int().positive().default(8).describe('LoRA rank.'),
        alpha: z.number().positive().default(16).describe('LoRA scaling numerator (the update is scaled by alpha / r).'),
        dropout: z.number().min(0, 'expected a number in [0, 1)').lt(1, 'expected a number in [0, 1)').default(0.05).describe('Dropout on the LoRA layers.'),
        target_modules: z.array(z.string()).min(1).default(['q_proj', 'v_proj']).describe('Module names the adapters attach to.'),
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
    merged: z.boolean().default(true).describe('The adapter merged into its base, as safetensors with the tokenizer.'),
    /** An ONNX graph with KV cache, for onnxruntime. */
    onnx: z.boolean().default(true).describe('An ONNX graph with KV cache (what evaluation and serving load by default).'),
    /** The ONNX graph with 4-bit weights (MatMulNBits), several times smaller and faster on a CPU. */
    onnx_quantized: z.boolean().default(true).describe('The ONNX graph with 4-bit weights.'),
    /**
     * The int4 graph of onnxruntime-genai's model builder (GroupQueryAttention + MatMulNBits), the fastest on a CPU;
     * built in an environment of its own (.tempered/genai-venv, made by scripts/bootstrap.sh), so off unless asked.
     */
    onnx_genai: z.boolean().default(false).describe('The int4 graph of onnxruntime-genai model builder, the fastest on a CPU.'),
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
    runtime: z.enum(EVALUATION_RUNTIMES).default('onnx').describe('What generates the answers: an ONNX export on onnxruntime-node, or the PyTorch model.'),
    /**
     * With an ONNX runtime, also answer the test split with the fine-tuned model's other exported ONNX graphs (the
     * 4-bit one, the genai builder's int4 one), and report how many answers each leaves unchanged and what it does to
     * every metric, paired against the evaluated graph. It costs one more generation pass per variant.
     */
    compare_variants: z
      .boolean()
      .default(true)
      .describe("With an ONNX runtime, also evaluate the model's other exported ONNX graphs: answers unchanged and each metric's paired change."),
    /** Cap on test examples generated per model; generation dominates evaluation time on a CPU. */
    max_samples: z.int().positive().optional().describe('Cap on test examples answered per model.'),
    max_new_tokens: z.int().positive().default(64).describe('Longest answer generated, in tokens.'),
    accuracy: z
      .strictObject({
        /** An answer counts as accurate when its token F1 against the reference reaches this value. */
        min_token_f1: fraction.default(0.5).describe('Token F1 from which an answer counts as accurate.'),
        /**
         * A label task (classification, routing): the answer counts as accurate when it names the reference's
         * label, and only that one, instead of by token F1.
         */
        labels: z.array(z.string().min(1)).min(2, 'expected at least two labels').optional().describe('A label task: accurate when the answer names the reference label and no other.'),
      })
      .prefault({}),
    /** The format every answer must have; the share that has it is the `format_validity` metric. */
    format: z
      .strictObject({
        type: z.literal('json').describe('Answers must be a JSON object (a Markdown code fence is accepted).'),
        /** Keys the answer's JSON object must have. */
        required_keys: z.array(z.string().min(1)).default([]).describe('Keys the JSON object must have.'),
      })
      .optional(),
    consistency: z
      .strictObject({
        max_words: z.int().positive().default(80).describe('Answers longer than this are out of style.'),
        forbidden_phrases: z.array(z.string()).default([]).describe('Phrases an answer in style never uses.'),
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
        path: z.string().min(1).describe('General chat or instruction JSONL under the data roots.'),
        /** Cap on the set's examples; default evaluation.max_samples. */
        max_samples: z.int().positive().optional().describe('Cap on its examples; default evaluation.max_samples.'),
        /** Largest allowed drop of token F1, as a share of the base model's (0.1: at most 10% lower). */
        max_relative_drop: fraction.optional().describe('Largest allowed drop of token F1 against the base model, as a share (0.1: 10%).'),
      })
      .optional(),
    retrieval: z
      .strictObject({
        arms: z.boolean().default(false).describe('Also evaluate the RAG (base + BM25) and hybrid (fine-tuned + BM25) arms.'),
        k: z.int().positive().max(20).default(3).describe('Training answers retrieved into each prompt.'),
        /** Token limit of a retrieval arm's prompt and answer: the passages make prompts longer than data.max_length. */
        max_length: z.int().positive().default(1024).describe('Token limit of a retrieval prompt with its answer.'),
      })
      .prefault({}),
  })
  .prefault({});

const deploymentSchema = z
  .strictObject({
    gate: z
      .strictObject({
        /** Also require the fine-tuned model to score above the base model on accuracy. */
        require_improvement_over_baseline: z.boolean().default(true).describe('The fine-tuned model must beat the base model.'),
        /**
         * `point` compares each success metric's value with its threshold; `interval` compares the worst end of its
         * 95% interval (the lower end of accuracy, the upper end of the response time), so a lucky test split passes no less.
         */
        compare_on: z.enum(['point', 'interval']).default('point').describe('Compare each metric, or the worst end of its 95% interval, with its threshold.'),
        /** Require token F1 to be significantly above the base model's (paired test on the same test answers). */
        require_significant_improvement: z.boolean().default(false).describe('Token F1 must be significantly above the base model (paired test).'),
        alpha: z.number().gt(0).lt(1).default(0.05).describe('Significance level of that test.'),
      })
      .prefault({}),
    approval: z
      .strictObject({
        mode: z.enum(['auto', 'human']).default('auto').describe('Deploy when the gate passes, or wait for a signed decision of an approver.'),
        timeout: duration.default('24h').describe('How long a human decision may take.'),
        on_timeout: z.enum(['reject', 'approve']).default('reject').describe('The decision when nobody decides in time.'),
        /** Names with a public key in the workers' TEMPERED_APPROVER_KEYS file; decisions must be signed with their keys. */
        approvers: z.array(z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.@-]*$/, 'expected a name of letters, digits, "_", ".", "@" or "-"')).default([]).describe('Names with a key in the workers TEMPERED_APPROVER_KEYS file.'),
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
        enabled: z.boolean().default(false).describe('Roll out by an A/B test against production instead of at once.'),
        treatment_share: fraction.default(0.1).describe('Share of users routed to the new version.'),
        /** Feedback events each arm needs before the test may decide (guardrails may end it sooner). */
        min_samples: z.int().positive().default(1000).describe('Feedback events per arm before the test may decide.'),
        /** Feedback events per arm after which an undecided test ends inconclusive: production stays, the candidate waits for an operator. */
        max_samples: z.int().positive().default(20000).describe('Feedback events per arm after which an undecided test ends inconclusive.'),
        /** The test's bound on deciding wrongly for a treatment no better or worse than production, however often it looks. */
        alpha: fraction.default(0.05).describe('Bound on a wrong decision, however often the test looks.'),
        /** The difference in resolved rate the test is tuned to find fastest (the mixture's standard deviation). */
        effect_size: z.number().gt(0).lt(1).default(0.05).describe('The difference in resolved rate the test finds fastest.'),
        /** How often the A/B test workflow reads the feedback log. */
        check_every: duration.default('1h').describe('How often the test reads the feedback log.'),
        guardrails: z
          .strictObject({
            /** Roll back when the treatment's p95 latency is above the control's times this. */
            max_latency_ratio: z.number().gt(1).default(1.25).describe('Roll back when the treatment p95 latency exceeds the control times this and, by the mSPRT, significantly more of its answers are past that limit.'),
            /** Roll back when the treatment's error rate is significantly above the control's by more than this. */
            max_error_rate_increase: fraction.default(0.02).describe('Roll back when the treatment error rate is significantly higher by more than this.'),
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
        log_text: z.boolean().default(false).describe('Keep prompts and answers (PII redacted) in the feedback log, not only figures.'),
        /** The largest max_tokens a request may ask for, and the default when it asks for none. */
        max_tokens: z.int().positive().max(4096).default(256).describe('Largest max_tokens a request may ask for, and the default.'),
      })
      .prefault({}),
  })
  .prefault({});

const monitoringSchema = z
  .strictObject({
    enabled: z.boolean().default(true).describe('Start a monitoring loop for each deployed version.'),
    interval: duration.default('1h').describe('Time between two checks of the serving log.'),
    thresholds: z
      .strictObject({
        min_accuracy: fraction.default(0.85).describe('Lowest share of answers users marked resolved.'),
        min_satisfaction: z.number().min(1).max(5).optional().describe('Lowest mean rating (1-5) of the rated answers; unset, ratings are reported, not judged.'),
        max_response_time: z.number().positive().default(3).describe('Highest p95 latency, in seconds.'),
        max_error_rate: fraction.default(0.05).describe('Highest share of requests that got no answer.'),
        min_samples: z.int().positive().default(20).describe('Below this many requests (or feedback events, for accuracy) in a window nothing is judged.'),
        // 0.25 is the usual reading of a significant shift.
        max_input_drift: z
          .number()
          .positive()
          .default(0.25)
          .describe('Largest population stability index of question length, language, category or vocabulary against the training questions.'),
      })
      .prefault({}),
    retraining: z
      .strictObject({
        trigger: z.enum(['on_breach', 'never']).default('never').describe('Start the pipeline again on a breach (once per streak of breaches).'),
      })
      .prefault({}),
    /** Where breaches are reported: a target name whose URL lives in the workers' TEMPERED_ALERT_TARGETS file, never in the spec. */
    alert: z
      .strictObject({
        target: z
          .string()
          .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, 'expected a target name such as "ops-chat"')
          .describe('A target name from the workers\' TEMPERED_ALERT_TARGETS file.'),
      })
      .optional(),
    /** Replaced by `alert.target`: a URL in the spec would travel in workflow history. */
    alert_webhook: z.unknown().optional().describe('Refused: name an alert.target instead.'),
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
  name: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'expected lower-case letters, digits and "-"').describe('The pipeline name: registry entries, workflow ids and search attributes carry it.'),
  description: z.string().optional().describe('Free text for people.'),
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
  if (spec.data.production_feedback.include && !spec.deployment.serving.log_text) {
    ctx.addIssue({
      code: 'custom',
      path: ['data', 'production_feedback', 'include'],
      message: 'needs deployment.serving.log_text: true, or the serving log holds no questions and answers to learn from',
    });
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
