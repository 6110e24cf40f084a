import type { Chunk } from './model.js';
import type { PromptTemplate } from './prompt-folder.js';

export interface LlmOptions {
  apiKey: string;
  /** OpenAI-compatible endpoint (OPENAI_BASE_URL); the SDK's default when unset. */
  baseURL?: string;
  /** OPENAI_MODEL; overrides any model named in the prompt's config.json. */
  model: string;
  /** Time the model has to answer, retries included, in ms (default 15 s); then the extractive answer is used. */
  timeoutMs?: number;
  /** SDK retries on 429/5xx/connection errors before we fall back to extractive (default 1). */
  maxRetries?: number;
}

/** What the model wrote, after checking: citations renumbered 1..n in order of first use, or a refusal. */
export type CheckedReply = { kind: 'abstain' } | { kind: 'answer'; text: string; cited: Chunk[] } | { kind: 'uncited' };

export const ABSTAIN_TOKEN = 'NOT_IN_DOCUMENTS';
/** A model that has not answered within this time (retries included) is given up on. */
export const MODEL_TIMEOUT_MS = 15_000;

/** Numbered passages for the prompt: "[1] (title — section)\ntext". */
export function formatPassages(passages: Chunk[]): string {
  return passages.map((p, i) => `[${i + 1}] (${p.title} — ${p.section})\n${p.text}`).join('\n\n');
}

/**
 * Check a model reply against the passages it was given. Citations (`[2]`, `[1, 3]`, `[1; 3]`, `[1-3]`) that name
 * no passage are dropped, the rest renumbered in order of first use; a sentence whose only citations named no
 * passage is dropped with them (it has no source); a sentence saying NOT_IN_DOCUMENTS is dropped and the reader is
 * told part of the question is not covered; URLs that do not appear, whole, in the passages it cites are removed
 * (a link from a passage it was shown but does not cite would reach the reader with no source to check it by).
 */
export function checkModelReply(reply: string, passages: Chunk[]): CheckedReply {
  const text = reply.trim();
  if (!text || text.replace(/[\s.!*`"']/g, '') === ABSTAIN_TOKEN) return { kind: 'abstain' };
  if (/^(?:i'm sorry|sorry|i (?:cannot|can't|am unable to)|the (?:passages|documents) (?:do not|don't))/i.test(text) && !/\[\d+/.test(text)) {
    return { kind: 'abstain' };
  }
  const order: number[] = [];
  const sentences = splitReply(text);
  const kept: string[] = [];
  let partlyUncovered = false;
  for (const sentence of sentences) {
    if (sentence.includes(ABSTAIN_TOKEN)) {
      partlyUncovered = true;
      continue;
    }
    let named = 0;
    let valid = 0;
    const renumbered = sentence.replace(CITATION, (_, list: string) => {
      const nums = citedNumbers(list);
      named += nums.length;
      const ok = nums.filter((n) => n >= 1 && n <= passages.length);
      valid += ok.length;
      return [...new Set(ok.map((n) => (order.includes(n) ? order.indexOf(n) : order.push(n) - 1) + 1))].map((k) => `[${k}]`).join('');
    });
    // Every sentence must cite a passage it was given: one citing none (or only passages that do not exist) has
    // no source a reader could check, so it goes (an uncited price or phone number must not reach anyone).
    if (valid === 0 && sentence.trim() && !/^[\s\-*•:]*$/.test(sentence)) continue;
    kept.push(renumbered.replace(/(\[\d+\])(?:\s*\1)+/g, '$1'));
  }
  // Nothing cited: when the model also said the documents do not hold it, that is its answer.
  if (!order.length) return partlyUncovered ? { kind: 'abstain' } : { kind: 'uncited' };
  const cited = order.map((n) => passages[n - 1]!);
  let cleaned = stripUnknownUrls(kept.join(''), cited.map((p) => p.text).join('\n'))
    .replace(/[ \t]+([.,;:])/g, '$1')
    .replace(/[ \t]{2,}/g, ' ')
    .trim();
  if (partlyUncovered) cleaned += '\n\nThe documents do not cover the rest of the question.';
  return { kind: 'answer', text: cleaned, cited };
}

/** `[2]`, `[1, 3]`, `[1; 3]`, `[1-3]`, `[1–3]`. */
const CITATION = /\[(\d{1,3}(?:\s*[,;\-\u2013]\s*\d{1,3})*)\]/g;
const MAX_RANGE = 20;

function citedNumbers(list: string): number[] {
  const out: number[] = [];
  for (const part of list.split(/[,;]/)) {
    const [a, b] = part.split(/[-\u2013]/).map((n) => Number(n.trim()));
    if (b === undefined) out.push(a!);
    else for (let n = a!; n <= b && n - a! < MAX_RANGE; n++) out.push(n);
  }
  return out.filter((n) => Number.isInteger(n));
}

/**
 * Sentences (and lines), each keeping its trailing whitespace and the citations right after its full stop, so
 * joining them gives the text back. A full stop inside a URL or a number does not end a sentence.
 */
function splitReply(text: string): string[] {
  const out: string[] = [];
  let last = 0;
  for (const m of text.matchAll(/[.!?]+(?:\s*\[[^\]]*\])*(?:\s+|$)|\n+/g)) {
    if (m[0].startsWith('.') && NOT_A_SENTENCE_END.test(text.slice(last, m.index))) continue;
    const end = m.index! + m[0].length;
    if (end > last) out.push(text.slice(last, end));
    last = end;
  }
  if (last < text.length) out.push(text.slice(last));
  return out;
}

/** Before a full stop that does not end a sentence: "e.g.", "Dr.", "A. Smith", a list number "2." at a line start. */
const NOT_A_SENTENCE_END = /(?:\b(?:e\.g|i\.e|etc|dr|mr|mrs|ms|prof|st|no|vs|approx|cf|incl)|(?:^|[\s(])\p{L}|(?:^|\n)[ \t]*\d{1,3})$/iu;

/**
 * Anything a chat client may turn into a link: any scheme ("https:", "mailto:", "tel:", "javascript:", "data:"),
 * "www." addresses and bare domains ("camden.gov.uk/fees").
 */
const URL = /\b(?:https?:\/\/|www\.)[^\s<>()\]]+|\b(?:mailto|tel|sms|javascript|data|vbscript|file|ftp|callto|skype|ms-[a-z-]+):[^\s<>()\]]+|\b(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+(?:uk|com|org|net|gov|edu|io|info|co|ac|sch|nhs|london|app|dev|ly|me)\b(?:\/[^\s<>()\]]*)?/gi;
const trimUrl = (url: string) => url.replace(/[.,;:!?"'”’*_)\]]+$/, '');
/** A link compared without its scheme: "www.camden.gov.uk/x" is the passage's "https://www.camden.gov.uk/x". */
const sameLink = (url: string) => trimUrl(url).replace(/^(?:https?:\/\/|mailto:|tel:)/i, '').replace(/^www\./i, '').toLowerCase();

/**
 * Remove links the passages do not contain, whole (a model must not invent where to go, nor shorten a passage's
 * link into another page). Markdown links keep their text.
 */
export function stripUnknownUrls(text: string, passagesText: string): string {
  const inPassages = new Set([...passagesText.matchAll(URL)].map((m) => sameLink(m[0])));
  const known = (url: string) => inPassages.has(sameLink(url));
  return text
    .replace(/\[([^\]]+)\]\((\S+?)\)/g, (whole, label: string, url: string) => (known(url) ? whole : label))
    .replace(URL, (url) => {
      const trimmed = trimUrl(url);
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

  get timeoutMs(): number {
    return this.options.timeoutMs ?? MODEL_TIMEOUT_MS;
  }

  async write(question: string, passages: Chunk[], documents: string[]): Promise<CheckedReply> {
    const prompt = await this.prompt();
    const client = await this.getClient();
    const c = prompt.config.completion;
    const system = prompt.render({ passages: formatPassages(passages), documents: documents.join('; '), question });
    const response = await client.chat.completions.create(
      {
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
      },
      { timeout: this.options.timeoutMs ?? MODEL_TIMEOUT_MS },
    );
    const content = response.choices[0]?.message?.content ?? '';
    return checkModelReply(content, passages);
  }

  private getClient(): Promise<import('openai').default> {
    this.client ??= import('openai').then(
      ({ default: OpenAI }) =>
        new OpenAI({
          apiKey: this.options.apiKey,
          baseURL: this.options.baseURL,
          timeout: this.options.timeoutMs ?? MODEL_TIMEOUT_MS,
          maxRetries: this.options.maxRetries ?? 1,
        }),
    );
    return this.client;
  }
}
