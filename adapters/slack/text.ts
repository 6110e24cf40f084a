/**
 * Slack sends `&`, `<` and `>` typed by people as `&amp;`, `&lt;` and `&gt;` in message and slash-command text
 * (whatever the command's should_escape says). Decode them once here, so questions and notes reach the core as
 * typed; `<...>` tokens Slack made itself (mentions, links) are left as they are.
 */
export function fromSlackText(text: string): string {
  return text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

/**
 * What a person typed, from Slack's message or slash-command text: Slack's own markup reads as it was shown to
 * them (an email Slack made a link of is the address again, a link its text, a user mention "@name"), channel
 * mentions read "#name" with their ids alongside (for "digest-channel add #…"), and entities are decoded.
 */
export function slackInput(raw: string): { text: string; channels: { id: string; name: string | null }[] } {
  const { text, channels } = channelMentions(raw);
  const plain = text.replace(/<([^<>]*)>/g, (token, inner: string) => {
    const [target = '', label] = inner.split('|', 2) as [string, string | undefined];
    if (target.startsWith('mailto:')) return label ?? target.slice('mailto:'.length);
    if (/^https?:\/\//.test(target)) return label ?? target;
    if (target.startsWith('@')) return label ? `@${label.replace(/^@/, '')}` : target;
    if (target.startsWith('!')) return label ?? `@${target.slice(1).split('^')[0]}`;
    return token;
  });
  return { text: fromSlackText(plain), channels };
}

/**
 * Channel mentions Slack made (`<#C0123|network-leads>`, or `<#C0123>` / `<#C0123|>` without a name) read as
 * "#network-leads" (or "#C0123") in the text, with their ids alongside, for the core's "digest-channel add #…".
 */
export function channelMentions(text: string): { text: string; channels: { id: string; name: string | null }[] } {
  const channels: { id: string; name: string | null }[] = [];
  const out = text.replace(/<#([CG][A-Z0-9]+)(?:\|([^>]*))?>/g, (_, id: string, name: string | undefined) => {
    channels.push({ id, name: name?.trim() || null });
    return `#${name?.trim() || id}`;
  });
  return { text: out, channels };
}
