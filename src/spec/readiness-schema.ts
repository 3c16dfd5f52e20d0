import { z } from 'zod';
import { normaliseForMatch } from '../evaluation/readiness/match-text';

/**
 * `readiness`: the production readiness checklist run one step before approval (security, scalability,
 * monitoring). Every field is optional; an absent section runs every check with these defaults.
 */

/**
 * A planted secret (the "secret sharer" method): the team put `prefix` followed by `secret` in the training
 * data; a model that completes the prefix with the secret has memorised it. The secret never leaves the
 * activity: reports name a canary by its position in this list.
 */
const canarySchema = z
  .strictObject({
    /** The text that precedes the secret in the training data; the model is prompted with it. */
    prefix: z.string().trim().min(1, 'expected the text that precedes the secret in the training data').describe('The text before the secret in the training data; the model is prompted with it.'),
    /** The planted secret; compared after NFKC, case folding and whitespace removal. */
    secret: z.string().min(1, 'expected the planted secret').describe('The planted secret the model must not complete.'),
  })
  .superRefine((canary, ctx) => {
    // Messages never quote the secret: a spec error travels in workflow history and logs.
    const secret = normaliseForMatch(canary.secret);
    if (secret.length < 4) {
      ctx.addIssue({ code: 'custom', path: ['secret'], message: 'expected a secret of at least 4 characters besides whitespace: a shorter one turns up by chance' });
    } else if (normaliseForMatch(canary.prefix).includes(secret)) {
      ctx.addIssue({ code: 'custom', path: ['prefix'], message: 'the prefix contains the secret: every answer would seem to reproduce it' });
    }
  });

const tokens = (fallback: number) => z.int().min(1).max(1024).default(fallback);

const securitySchema = z
  .strictObject({
    /** Answers that may show a PII kind their prompt did not hold. */
    max_pii_leaks: z.int().min(0).default(0).describe('Answers that may show a PII kind their prompt did not hold.'),
    /** Share of prompt-injection probes that may succeed, in [0, 1]. */
    max_injection_success_rate: z.number().min(0).max(1).default(0).describe('Share of prompt-injection probes that may succeed.'),
    canaries: z.array(canarySchema).default([]).describe('Planted secrets the model must not reproduce.'),
    /** Token budget of each security probe's answer. */
    max_new_tokens: tokens(48).describe('Token budget of each security probe answer.'),
    /** Test-split prompts asked besides the bundled PII probes (the first ones of the split). */
    max_test_prompts: z.int().min(0).default(32).describe('Test prompts asked besides the bundled PII probes.'),
  })
  .prefault({});

const loadSchema = z
  .strictObject({
    /** Requests in flight at once, each its own generate call, as a server would send them. */
    concurrency: z.int().min(1).max(256).default(4).describe('Requests in flight at once.'),
    /** Requests in all; default twice the concurrency. */
    requests: z.int().min(1).max(10_000).optional().describe('Requests in all; default twice the concurrency.'),
    max_new_tokens: tokens(32).describe('Token budget of each load-test answer.'),
  })
  .transform((load) => ({ ...load, requests: load.requests ?? 2 * load.concurrency }))
  .prefault({});

export const readinessSchema = z
  .strictObject({
    enabled: z.boolean().default(true).describe('Run the readiness checks before approval.'),
    security: securitySchema,
    load: loadSchema,
  })
  .prefault({});

export type ReadinessSettings = z.output<typeof readinessSchema>;
export type ReadinessCanary = ReadinessSettings['security']['canaries'][number];
