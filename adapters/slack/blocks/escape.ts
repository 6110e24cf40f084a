/**
 * Escape text for Slack mrkdwn: &, < and > become entities, so a note or document excerpt can never form
 * a mention (<@U…>, <!here>) or a link (<http://…|…>). Text objects also set `verbatim: true` so Slack does not
 * auto-link bare URLs or #channel / @here words.
 */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** mrkdwn text object for untrusted text (escaped, no auto-linking). */
export function mrkdwn(text: string): { type: 'mrkdwn'; text: string; verbatim: true } {
  return { type: 'mrkdwn', text, verbatim: true };
}

export function plain(text: string, max = 3000): { type: 'plain_text'; text: string; emoji: true } {
  return { type: 'plain_text', text: truncate(text || ' ', max), emoji: true };
}

export function truncate(text: string, max: number): string {
  return text.length <= max ? text : text.slice(0, Math.max(0, max - 1)) + '…';
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
    // Never cut inside an entity such as &amp;
    const amp = window.lastIndexOf('&', cut);
    if (amp >= 0 && amp > cut - 6 && !window.slice(amp, cut).includes(';')) cut = amp;
    if (cut <= 0) cut = max;
    pieces.push(rest.slice(0, cut).trimEnd());
    rest = rest.slice(cut).replace(/^\s+/, '');
  }
  if (rest.length) pieces.push(rest);
  return pieces;
}
