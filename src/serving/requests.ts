import { z } from 'zod';

const textPart = z.object({ type: z.literal('text'), text: z.string() });

const message = z.object({
  role: z.enum(['system', 'developer', 'user', 'assistant']),
  // Clients send plain text or an array of text parts; other part types (images) this server cannot read.
  content: z.union([z.string(), z.array(textPart).min(1)], { error: 'expected a string or an array of {"type": "text", "text": ...} parts' }),
});

/**
 * The OpenAI chat completions request, the fields this server acts on. Other fields clients send (penalties,
 * logit bias, response format) are ignored, as many OpenAI-compatible servers do, so existing clients work unchanged.
 */
export const chatCompletionRequest = z.object({
  model: z.string().max(256).optional(),
  messages: z.array(message).min(1, 'expected at least one message').max(256),
  max_tokens: z.int().positive().optional(),
  max_completion_tokens: z.int().positive().optional(),
  temperature: z.number().min(0).max(2).optional(),
  top_p: z.number().gt(0).max(1).optional(),
  seed: z.int().optional(),
  stop: z.union([z.string().min(1), z.array(z.string().min(1)).max(4)]).optional(),
  stream: z.boolean().optional(),
  n: z.literal(1, { error: 'only n = 1 is supported' }).optional(),
  /** Routes the user to an A/B arm, the same one every time. */
  user: z.string().min(1).max(256).optional(),
  /** As in OpenAI's API: up to 16 string pairs. `category` names the question's category for the drift check. */
  metadata: z.record(z.string().max(64), z.string().max(512)).refine((m) => Object.keys(m).length <= 16, 'expected at most 16 keys').optional(),
});
export type ChatCompletionRequest = z.infer<typeof chatCompletionRequest>;

/** What a user (or support tool) says about an answer, by the answer's completion id. */
export const feedbackRequest = z.object({
  id: z.string().max(128),
  resolved: z.boolean(),
  rating: z.number().min(1).max(5).optional(),
});

/** The first problems of a failed parse, each with its JSON path: `messages[0].role: expected one of ...`. */
export function describeProblems(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => {
      const where = issue.path.reduce<string>((acc, key) => (typeof key === 'number' ? `${acc}[${key}]` : acc ? `${acc}.${String(key)}` : String(key)), '');
      return where ? `${where}: ${issue.message}` : issue.message;
    })
    .join('; ');
}

export function messageText(content: string | { text: string }[]): string {
  return typeof content === 'string' ? content : content.map((part) => part.text).join('');
}
