import path from 'node:path';
import { Template } from '@huggingface/jinja';
import { Tokenizer } from '@huggingface/tokenizers';
import { ModelFolderError, type ModelFiles } from './model-files';
import type { ChatMessage, GenerationRequest } from './runtime';

/** Special tokens appear in tokenizer_config.json as plain strings or as AddedToken objects. */
function tokenText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object' && typeof (value as { content?: unknown }).content === 'string') return (value as { content: string }).content;
  return undefined;
}

function chatTemplateOf(files: ModelFiles): string {
  const where = path.join(files.dir, 'tokenizer_config.json');
  const template = files.tokenizerConfig.chat_template;
  if (typeof template === 'string') return template;
  // Several named templates: transformers uses the one called "default".
  if (Array.isArray(template)) {
    const chosen = template.find((t) => t.name === 'default') ?? template[0];
    if (chosen) return chosen.template;
  }
  throw new ModelFolderError(`${where}: no chat_template; chat requests need one (or send a raw prompt)`);
}

/** The model's tokenizer (tokenizer.json) with its chat template (tokenizer_config.json), as transformers applies them. */
export class ChatTokenizer {
  private readonly tokenizer: Tokenizer;
  private template: Template | null = null;
  private readonly specials: Record<string, string | undefined>;

  constructor(private readonly files: ModelFiles) {
    try {
      this.tokenizer = new Tokenizer(files.tokenizer, files.tokenizerConfig);
    } catch (err) {
      throw new ModelFolderError(`${path.join(files.dir, 'tokenizer.json')}: cannot build the tokenizer: ${(err as Error).message}`);
    }
    const config = files.tokenizerConfig;
    this.specials = { bos_token: tokenText(config.bos_token), eos_token: tokenText(config.eos_token), pad_token: tokenText(config.pad_token) };
  }

  renderChat(messages: ChatMessage[], generationPrompt = true): string {
    // Parsed on first use, so a folder without a template still serves raw prompts.
    this.template ??= new Template(chatTemplateOf(this.files));
    return this.template.render({ messages, add_generation_prompt: generationPrompt, ...this.specials });
  }

  /**
   * A finished conversation as training saw it: all its tokens, and how many of them are the prompt (every
   * message but the last, with the assistant header). The tokens after that are the answer a loss is taken on.
   */
  encodeConversation(messages: ChatMessage[]): { ids: number[]; promptLength: number } {
    const ids = this.encodeChat(this.renderChat(messages, false));
    const prompt = this.encodeChat(this.renderChat(messages.slice(0, -1), true));
    // Tokens can merge across the boundary: the answer starts where the two first differ.
    let promptLength = 0;
    while (promptLength < prompt.length && promptLength < ids.length && ids[promptLength] === prompt[promptLength]) promptLength++;
    return { ids, promptLength };
  }

  private encodeChat(text: string): number[] {
    return this.tokenizer.encode(text, { add_special_tokens: false }).ids;
  }

  /** Prompt token ids: a chat is rendered and tokenized without adding special tokens again (the template has them). */
  encodeRequest(request: GenerationRequest): number[] {
    if ((request.messages === undefined) === (request.prompt === undefined)) {
      throw new TypeError('a generation request needs exactly one of messages and prompt');
    }
    if (request.messages) return this.encodeChat(this.renderChat(request.messages));
    return this.tokenizer.encode(request.prompt!, { add_special_tokens: true }).ids;
  }

  decode(ids: number[]): string {
    return this.tokenizer.decode(ids, { skip_special_tokens: true });
  }

  /** The id to fill padded positions with: pad, else eos. Its value never matters, the attention mask hides it. */
  padTokenId(): number {
    const pad = this.specials.pad_token ?? this.specials.eos_token;
    return (pad !== undefined ? this.tokenizer.token_to_id(pad) : undefined) ?? this.files.eosTokenIds[0]!;
  }
}
