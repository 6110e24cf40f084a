import type { Chunk } from './model.js';
import type { PromptTemplate } from './prompt-folder.js';

export interface LlmOptions {
  apiKey: string;
  /** OpenAI-compatible endpoint (OPENAI_BASE_URL); the SDK's default when unset. */
  baseURL?: string;
  /** OPENAI_MODEL; overrides any model named in the prompt's config.json. */
  model: string;
  /** Per-request timeout in ms (default 20 s). */
  timeoutMs?: number;
  /** SDK retries on 429/5xx/connection errors before we fall back to extractive (default 1). */
  maxRetries?: number;
}

/** What the model wrote, after checking: citations renumbered 1..n in order of first use, or a refusal. */
export type CheckedReply = { kind: 'abstain' } | { kind: 'answer'; text: string; cited: Chunk[] } | { kind: 'uncited' };

export const ABSTAIN_TOKEN = 'NOT_IN_DOCUMENTS';

/** Numbered passages for the prompt: "[1] (title — section)\ntext". */
export function formatPassages(passages: Chunk[]): string {
  return passages.map((p, i) => `[${i + 1}] (${p.title} — ${p.section})\n${p.text}`).join('\n\n');
}

/**
 * Check a model reply against the passages it was given: citation numbers that name no passage are dropped,
 * the rest are renumbered in order of first use; URLs that do not appear in the passages it cites are removed
 * (a link from a passage it was shown but does not cite would reach the reader with no source to check it by).
 */
export function checkModelReply(reply: string, passages: Chunk[]): CheckedReply {
  const text = reply.trim();
  if (!text || text.includes(ABSTAIN_TOKEN)) return { kind: 'abstain' };
  if (/^(?:i'm sorry|sorry|i (?:cannot|can't|am unable to)|the (?:passages|documents) (?:do not|don't))/i.test(text) && !/\[\d+\]/.test(text)) {
    return { kind: 'abstain' };
  }
  const order: number[] = [];
  const renumbered = text
    .replace(/\[(\d{1,3}(?:\s*,\s*\d{1,3})*)\]/g, (_, list: string) => {
      const nums = list
        .split(',')
        .map((n) => Number(n.trim()))
        .filter((n) => Number.isInteger(n) && n >= 1 && n <= passages.length);
      if (!nums.length) return '';
      return nums
        .map((n) => {
          let pos = order.indexOf(n);
          if (pos < 0) pos = order.push(n) - 1;
          return `[${pos + 1}]`;
        })
        .filter((v, i, a) => a.indexOf(v) === i)
        .join('');
    })
    .replace(/(\[\d+\])(?:\s*\1)+/g, '$1');
  if (!order.length) return { kind: 'uncited' };
  const cited = order.map((n) => passages[n - 1]!);
  const cleaned = stripUnknownUrls(renumbered, cited.map((p) => p.text).join('\n'))
    .replace(/[ \t]+([.,;:])/g, '$1')
    .replace(/[ \t]{2,}/g, ' ')
    .trim();
  return { kind: 'answer', text: cleaned, cited };
}

const URL = /\bhttps?:\/\/[^\s<>()\]]+|\bwww\.[^\s<>()\]]+/gi;

/** Remove links the passages do not contain (a model must not invent where to go). Markdown links keep their text. */
export function stripUnknownUrls(text: string, passagesText: string): string {
  const known = (url: string) => passagesText.includes(url.replace(/[.,;:!?]+$/, ''));
  return text
    .replace(/\[([^\]]+)\]\((\S+?)\)/g, (whole, label: string, url: string) => (known(url) ? whole : label))
    .replace(URL, (url) => {
      const trimmed = url.replace(/[.,;:!?]+$/, '');
      return known(trimmed) ? url : url.slice(trimmed.length);
    })
    .replace(/\(\s*\)/g, '')
    .replace(/[ \t]{2,}/g, ' ');
}

/** Writes answers with an OpenAI-compatible chat model. The SDK is imported on first use only. */
export class LlmAnswerer {
  private client?: Promise<import('openai').default>;

  constructor(
    private readonly options: LlmOptions,
    private readonly prompt: () => Promise<PromptTemplate>,
  ) {}

  get model(): string {
    return this.options.model;
  }

  async write(question: string, passages: Chunk[], documents: string[]): Promise<CheckedReply> {
    const prompt = await this.prompt();
    const client = await this.getClient();
    const c = prompt.config.completion;
    const system = prompt.render({ passages: formatPassages(passages), documents: documents.join('; '), question });
    const response = await client.chat.completions.create({
      model: this.options.model,
      messages: [
        { role: 'system', content: system },
        { role: 'user', content: question },
      ],
      max_tokens: c.max_tokens,
      temperature: c.temperature,
      top_p: c.top_p,
      presence_penalty: c.presence_penalty,
      frequency_penalty: c.frequency_penalty,
      ...(c.stop_sequences?.length ? { stop: c.stop_sequences } : {}),
    });
    const content = response.choices[0]?.message?.content ?? '';
    return checkModelReply(content, passages);
  }

  private getClient(): Promise<import('openai').default> {
    this.client ??= import('openai').then(
      ({ default: OpenAI }) =>
        new OpenAI({
          apiKey: this.options.apiKey,
          baseURL: this.options.baseURL,
          timeout: this.options.timeoutMs ?? 20_000,
          maxRetries: this.options.maxRetries ?? 1,
        }),
    );
    return this.client;
  }
}
