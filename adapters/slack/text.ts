/**
 * Slack sends `&`, `<` and `>` typed by people as `&amp;`, `&lt;` and `&gt;` in message and slash-command text
 * (whatever the command's should_escape says). Decode them once here, so questions and notes reach the core as
 * typed; `<...>` tokens Slack made itself (mentions, links) are left as they are.
 */
export function fromSlackText(text: string): string {
  return text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}
