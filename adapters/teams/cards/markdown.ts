/**
 * Escaping for the Markdown subset Teams renders in Adaptive Card TextBlocks and FactSet values.
 *
 * User and document text must never become markup: `*bold*`, `[link](url)`, list markers at the start of a
 * line, raw HTML or Teams' `{{DATE(...)}}` substitutions would otherwise change what the reader sees.
 * Backslash escapes are CommonMark's, which Teams (markdown-it) and the Adaptive Cards renderers honour.
 */
const INLINE = /[\\`*_[\]<>~|]/g;

export function escapeMarkdown(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .replace(INLINE, (c) => `\\${c}`)
    // Entities such as &amp; would be decoded; escape the ampersand that starts one.
    .replace(/&(?=#?[a-z0-9]+;)/gi, '\\&')
    // Teams replaces {{DATE(...)}} / {{TIME(...)}} before rendering; a zero-width space breaks the pair.
    .replace(/\{\{/g, '{\u200b{')
    .replace(/\}\}/g, '}\u200b}')
    .split('\n')
    .map(escapeLineStart)
    .join('\n');
}

/** Block markers only mean something at the start of a line: headings, quotes, list bullets and numbers. */
function escapeLineStart(line: string): string {
  return line
    .replace(/^(\s*)([#>+\-=])/, '$1\\$2')
    .replace(/^(\s*\d+)([.)])(?=\s|$)/, '$1\\$2');
}

/** Collapse text to one line of at most `max` characters, for titles and previews. */
export function oneLine(text: string, max = 200): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= max ? flat : `${flat.slice(0, max - 1).trimEnd()}…`;
}
