import { z } from 'zod';

/** The `data` section of a pipeline spec: where the examples come from and what they must satisfy. */

export const fraction = z.number().min(0, 'expected a number between 0 and 1').max(1, 'expected a number between 0 and 1');

/**
 * Every source names a file, a glob (`chats/*.jsonl`), a gzip file (`.gz`) or an `s3://bucket/key` object
 * (or glob). `expert: true` marks subject-matter experts' answers: they win over other sources' answers
 * to the same question.
 */
const sourceCommon = {
  path: z.string().min(1).describe('A file, glob, .gz file or s3://bucket/key, relative to the spec or under the data roots.'),
  expert: z.boolean().default(false).describe('Subject-matter experts answers: they replace other sources answers to the same question.'),
};

const faqCsvSource = z.strictObject({
  type: z.literal('faq_csv'),
  ...sourceCommon,
  question_column: z.string().default('question').describe('CSV column of the questions.'),
  answer_column: z.string().default('answer').describe('CSV column of the answers.'),
  category_column: z.string().default('category').describe('CSV column of the categories, used to stratify the split.'),
});

const chatLogsSource = z.strictObject({
  type: z.literal('chat_logs'),
  ...sourceCommon,
  /** Dialogs scored below this are dropped: they teach the model the answers customers disliked. */
  min_satisfaction: z.number().default(4).describe('Dialogs rated below this are dropped.'),
  user_roles: z.array(z.string()).default(['customer', 'user']).describe('Roles whose turns are questions.'),
  assistant_roles: z.array(z.string()).default(['agent', 'assistant']).describe('Roles whose turns are answers.'),
});

/** The OpenAI chat format: `{"messages": [{"role", "content"}], "category"?}` per line. */
const chatJsonlSource = z.strictObject({ type: z.literal('chat_jsonl'), ...sourceCommon });

/** The Alpaca format: `{"instruction", "input"?, "output", "id"?, "category"?}` per line. */
const instructionJsonlSource = z.strictObject({ type: z.literal('instruction_jsonl'), ...sourceCommon });

/** ShareGPT: `{"conversations": [{"from": "human"|"gpt"|"system", "value"}]}` per line. */
const shareGptJsonlSource = z.strictObject({ type: z.literal('sharegpt_jsonl'), ...sourceCommon });

export const DATA_SOURCE_TYPES = ['faq_csv', 'chat_logs', 'chat_jsonl', 'instruction_jsonl', 'sharegpt_jsonl'] as const;

export const dataSourceSchema = z.discriminatedUnion('type', [faqCsvSource, chatLogsSource, chatJsonlSource, instructionJsonlSource, shareGptJsonlSource], {
  error: `expected a source with type ${DATA_SOURCE_TYPES.slice(0, -1).join(', ')} or ${DATA_SOURCE_TYPES.at(-1)}`,
});

const customPiiPattern = z.strictObject({
  name: z.string().regex(/^[a-z][a-z0-9_]*$/, 'expected a lower-case name such as "employee_id"').describe('The PII kind, named in the audit.'),
  /** A JavaScript regular expression (flags `gu`). */
  pattern: z.string().min(1).describe('A JavaScript regular expression (flags gu).'),
  placeholder: z.string().optional().describe('Replacement text; default <NAME> in capitals.'),
});

const qualitySchema = z.strictObject({
  /** Share of records with every required field present and non-empty. */
  min_completeness: fraction.default(0.95).describe('Least share of records with every required field present.'),
  min_examples: z.int().min(1).default(20).describe('Fewest examples kept for the run to go on.'),
  /** Share of kept records with no consistency flag (length outlier, language mismatch, register, formatting rule). */
  min_consistency: fraction.default(0).describe('Least share of kept records without a consistency flag.'),
  /** Share of kept records with no accuracy flag (placeholder text, truncated answer, contradicting answers). */
  min_accuracy: fraction.default(0).describe('Least share of kept records without an accuracy flag.'),
  /** Distinct word bigrams (character bigrams in Japanese) over all bigrams of the questions. */
  min_distinct_2: fraction.default(0).describe('Least share of distinct bigrams among the questions bigrams.'),
  /** Normalised entropy of the categories: 1 when every category is equally frequent. */
  min_category_balance: fraction.default(0).describe('Least normalised entropy of the categories.'),
  /** Largest near-duplicate cluster, as a share of the records collected. */
  max_cluster_share: fraction.default(1).describe('Largest near-duplicate cluster, as a share of the records.'),
  /** Share of exact and near duplicates among the complete records. */
  max_duplicate_rate: fraction.default(1).describe('Largest share of exact and near duplicates.'),
  /** Share of test examples whose n-grams mostly (>= 50%) occur in the training split. */
  max_contamination: fraction.default(1).describe('Largest share of test examples whose n-grams mostly occur in train.'),
  /** Rows that cannot be read (bad JSON, wrong fields) fail the run unless their share stays at or below this; skipped rows are audited. */
  max_skipped_fraction: fraction.default(0).describe('Share of unreadable rows that may be skipped (and audited) instead of failing the run.'),
  /** Formatting rules every answer must follow; a violation is a consistency flag. */
  format: z
    .strictObject({
      max_answer_words: z.int().positive().optional().describe('Longest answer in words.'),
      forbidden_phrases: z.array(z.string().min(1)).default([]).describe('Phrases no answer may contain.'),
      required_register: z.enum(['polite', 'plain']).optional().describe('Japanese register every answer must use.'),
    })
    .prefault({}),
});

export const dataSchema = z.strictObject({
  sources: z.array(dataSourceSchema).min(1, 'expected at least one data source').describe('Where the examples come from.'),
  /** Prepended to every conversation as the system message. */
  system_prompt: z.string().optional().describe('Prepended to every conversation as the system message.'),
  max_length: z.int().positive().default(512).describe('Token limit of one example (prompt and answer) in training and evaluation.'),
  split: z
    .strictObject({
      train: fraction.default(0.8).describe('Share of examples for training.'),
      validation: fraction.default(0.1).describe('Share for validation (early stopping, best checkpoint).'),
      test: fraction.default(0.1).describe('Share held out for evaluation; above 0.'),
      seed: z.int().default(42).describe('Seed of the split, deterministic for a seed.'),
    })
    .superRefine((split, ctx) => {
      const sum = split.train + split.validation + split.test;
      if (Math.abs(sum - 1) > 1e-6) ctx.addIssue({ code: 'custom', message: `expected train + validation + test = 1, got ${Math.round(sum * 1e6) / 1e6}` });
      if (split.test === 0) ctx.addIssue({ code: 'custom', path: ['test'], message: 'expected a test share above 0: evaluation needs held-out data' });
    })
    .prefault({}),
  quality: qualitySchema.prefault({}).describe('Thresholds the data must meet before any training.'),
  deduplication: z
    .strictObject({
      /** `drop` near-duplicates of an earlier record, or `keep` them (flagged, and kept in one split with it). */
      near_duplicates: z.enum(['drop', 'keep']).default('drop').describe('Drop near-duplicates of an earlier record, or keep them together in one split.'),
      /** Estimated Jaccard similarity of shingles from which two records count as near-duplicates. */
      threshold: fraction.optional().describe('Estimated Jaccard similarity from which two records are near-duplicates.'),
      /** MinHash bins per signature: a multiple of 32 from 32 to 1024 (default 64; 128 is a little more precise). */
      permutations: z
        .int()
        .min(32)
        .max(1024)
        .refine((n) => n % 32 === 0, 'expected a multiple of 32')
        .optional().describe('MinHash bins per signature, a multiple of 32 (default 64).'),
    })
    .prefault({}),
  /**
   * Production answers users marked resolved, from the serving log (which keeps text only with
   * deployment.serving.log_text), as one more source: deduplicated against the others, PII-redacted, and kept
   * out of validation and test: a feedback record that repeats a held-out question is dropped as contaminated.
   */
  production_feedback: z
    .strictObject({
      include: z.boolean().default(false).describe('Learn from answers users marked resolved in the serving log (train split only).'),
      min_rating: z.number().min(1).max(5).optional().describe('Rated feedback counts only at or above this; unrated resolved feedback always counts.'),
    })
    .prefault({}),
  pii: z
    .strictObject({
      /** Replace e-mail addresses, phone numbers, card numbers, IBANs, IP addresses and postal codes with placeholders. */
      redact: z.boolean().default(true).describe('Replace e-mail addresses, phone and card numbers, IBANs, IP addresses and postal codes with placeholders.'),
      patterns: z.array(customPiiPattern).default([]).describe('More PII patterns of your own.'),
    })
    .prefault({}),
});
