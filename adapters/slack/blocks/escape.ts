/**
 * Text from people and documents goes into Slack as `plain_text` (see render-reply.ts): Slack never parses it for
 * mentions, links or formatting. mrkdwn is used only for text the renderer writes itself, and for the message's
 * top-level `text` fallback, which Slack always treats as mrkdwn: that one is escaped with `neutraliseMrkdwn`.
 */

/** Escape &, < and > as entities, so text can never form a mention (<@U…>, <!here>) or a link (<http://…|…>). */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** U+200D ZERO WIDTH JOINER: invisible, and not a word boundary, so a marker after it cannot open or close formatting. */
export const ZWJ = '\u200d';

/**
 * Make untrusted text inert in a mrkdwn context that has no plain_text alternative (the top-level `text` fallback).
 * mrkdwn has no escape for *, _, ~ and ` (a backslash shows as a backslash), and a line starting with > is a quote;
 * Slack only formats a marker that sits at a word boundary, so a zero-width joiner goes before each marker and
 * before every &gt; (simpler than finding line starts, and the same whether the text is cut or not).
 * &, < and > are escaped as entities first.
 */
export function neutraliseMrkdwn(text: string): string {
  return escapeMrkdwn(text)
    .replace(/[*_~`]/g, (m) => ZWJ + m)
    .replace(/&gt;/g, `${ZWJ}&gt;`);
}

/** mrkdwn text object: only for text the renderer itself writes (labels such as "Sources"), never for untrusted text. */
export function mrkdwn(text: string): { type: 'mrkdwn'; text: string; verbatim: true } {
  return { type: 'mrkdwn', text, verbatim: true };
}

/**
 * plain_text text object: shown exactly as given (no mentions, links or formatting), cut to `max` characters.
 * `emoji: false` keeps `:shortcode:` words literal too; the renderer's own emoji are Unicode characters.
 */
export function plain(text: string, max = 3000): { type: 'plain_text'; text: string; emoji: false } {
  return { type: 'plain_text', text: truncate(text.trim() ? text : ' ', max), emoji: false };
}

/** Cut to at most `max` UTF-16 units with an ellipsis, never between the halves of a surrogate pair. */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = Math.max(0, max - 1);
  if (end > 0 && /[\ud800-\udbff]/.test(text[end - 1]!)) end -= 1;
  return text.slice(0, end) + '…';
}

/** Split text into pieces of at most `max` characters, preferring paragraph, line, then word boundaries. */
export function splitText(text: string, max: number): string[] {
  const pieces: string[] = [];
  let rest = text;
  for (let guard = 0; rest.length > max && guard < 10_000; guard++) {
    const window = rest.slice(0, max);
    let cut = window.lastIndexOf('\n\n');
    if (cut < max / 2) cut = window.lastIndexOf('\n');
    if (cut < max / 2) cut = window.lastIndexOf(' ');
    if (cut < max / 2) cut = max;
    // Never cut inside an entity such as &amp; (the fallback text is escaped before it is cut)
    const amp = window.lastIndexOf('&', cut);
    if (amp >= 0 && amp > cut - 6 && !window.slice(amp, cut).includes(';')) cut = amp;
    // Never cut between a UTF-16 surrogate pair (an emoji would break into two invalid halves)
    if (cut > 0 && cut < rest.length && /[\ud800-\udbff]/.test(rest[cut - 1]!)) cut -= 1;
    if (cut <= 0) cut = max;
    pieces.push(rest.slice(0, cut).trimEnd());
    rest = rest.slice(cut).replace(/^\s+/, '');
  }
  if (rest.length) pieces.push(rest);
  return pieces;
}
