import { expect } from 'vitest';

/**
 * Slack reads a `mrkdwn` text object and a message's top-level `text` for mentions, links and formatting;
 * a `plain_text` object and a rich_text `text` element are shown character for character.
 */
export interface SlackTextParts {
  /** Text Slack parses: mrkdwn objects and the top-level `text` fallback. */
  parsed: string[];
  /** Text Slack shows literally: plain_text objects and rich_text text elements. */
  literal: string[];
}

/** Split every text in a message, a view or a list of blocks by how Slack treats it. */
export function slackTextParts(x: any): SlackTextParts {
  const parts: SlackTextParts = { parsed: [], literal: [] };
  if (x && !Array.isArray(x) && typeof x.text === 'string') parts.parsed.push(x.text);
  const walk = (y: any, inRichText: boolean, depth: number) => {
    if (!y || typeof y !== 'object' || depth > 20) return;
    if (Array.isArray(y)) return y.forEach((z) => walk(z, inRichText, depth + 1));
    if (y.type === 'mrkdwn' && typeof y.text === 'string') parts.parsed.push(y.text);
    else if (y.type === 'plain_text' && typeof y.text === 'string') parts.literal.push(y.text);
    else if (inRichText && y.type === 'text' && typeof y.text === 'string') parts.literal.push(y.text);
    for (const [k, v] of Object.entries(y)) if (k !== 'text' || typeof v === 'object') walk(v, inRichText || y.type === 'rich_text', depth + 1);
  };
  walk(Array.isArray(x) ? x : (x?.blocks ?? x?.view?.blocks), false, 0);
  if (x?.view?.blocks && x?.blocks) walk(x.view.blocks, false, 0);
  return parts;
}

/** Mentions and links Slack would act on in parsed text. */
export const ACTIVE_MENTION_OR_LINK = /<[!@#]|<https?:|<mailto:/i;
/** A formatting marker at a word boundary (what Slack formats); the renderer guards markers with U+200D. */
export const ACTIVE_FORMATTING = /(^|[\s(])[*_~`][^\s*_~`\u200d]/m;

/**
 * The message is inert for `untrusted` (text from a person or a document): no parsed text can mention or link,
 * each untrusted string reaches Slack only as literal text, exactly as typed, and never inside a mrkdwn object.
 */
export function expectInertSlackMessage(message: any, untrusted: string[] = []): void {
  const { parsed, literal } = slackTextParts(message);
  for (const p of parsed) expect(p, 'parsed Slack text').not.toMatch(ACTIVE_MENTION_OR_LINK);
  const mrkdwnObjects = parsed.slice(typeof message?.text === 'string' && !Array.isArray(message) ? 1 : 0);
  const all = literal.join('\n');
  for (const u of untrusted) {
    expect(all, 'untrusted text arrives literally in plain_text').toContain(u);
    for (const m of mrkdwnObjects) expect(m, 'untrusted text never in a mrkdwn object').not.toContain(u);
  }
  // The top-level fallback must not format what people wrote either.
  if (typeof message?.text === 'string' && untrusted.length) expect(message.text).not.toMatch(ACTIVE_FORMATTING);
}

/** The only mrkdwn the renderer writes itself: the "Sources" label, citation numbers, the view-shortened note. */
export const RENDERER_MRKDWN = /^(?:\*Sources\*|\*\[\d+\]\*|_Shortened to fit; ask me for the rest\._)$/;

/**
 * For messages whose text source is not known in the test (answers, confirmations): nothing Slack parses can
 * mention, link or format what a person or document wrote. Every mrkdwn object is one the renderer owns, and
 * the top-level fallback has no active mention, link or formatting marker.
 */
export function expectNothingParsedFromPeople(messages: any[]): void {
  for (const message of messages) {
    const { parsed } = slackTextParts(message);
    const hasFallback = typeof message?.text === 'string' && !Array.isArray(message);
    for (const [i, p] of parsed.entries()) {
      expect(p, 'parsed Slack text').not.toMatch(ACTIVE_MENTION_OR_LINK);
      if (hasFallback && i === 0) expect(p, 'fallback text').not.toMatch(ACTIVE_FORMATTING);
      else expect(p, 'a mrkdwn object holds only renderer text').toMatch(RENDERER_MRKDWN);
    }
  }
}
