import type { KnownBlock } from './slack-types.js';
import { citationLabel, type Citation } from '../../../src/shared/citation.js';
import type { Reply, ReplyBlock } from '../../../src/shared/reply.js';
import { uniqueActionId } from './action-ids.js';
import { mrkdwn, neutraliseMrkdwn, plain, splitText, truncate } from './escape.js';

/**
 * Slack limits: section text 3000 chars, 10 fields of 2000, header 150, context element 2000,
 * 50 blocks per message (100 in views).
 */
export const SECTION_MAX = 3000;
export const FIELD_MAX = 2000;
export const FIELDS_PER_SECTION = 10;
export const HEADER_MAX = 150;
export const CONTEXT_MAX = 2000;
export const MESSAGE_BLOCKS_MAX = 50;
export const VIEW_BLOCKS_MAX = 100;
/** Longest top-level `text` we send (Slack cuts at 40,000; this is a notification line and a fallback). */
export const FALLBACK_MAX = 3000;
const EXCERPT_MAX = 280;

// Unicode emoji, not :shortcodes:, because plain_text objects are sent with emoji: false.
const TONE_EMOJI = { info: 'ℹ️', success: '✅', warning: '⚠️', error: '❌' } as const;

type RichTextText = { type: 'text'; text: string; style?: { bold?: boolean } };

/**
 * Every piece of text that came from a person or a document is a plain_text object (or a rich_text `text`
 * element): Slack shows it character for character, so `<!channel>`, `<https://…|…>`, `*bold*`, `_it_`,
 * `~x~`, `` `code` `` and `> quote` all arrive as typed. mrkdwn is used only around text the renderer writes.
 */
function sections(text: string, prefix = ''): KnownBlock[] {
  return splitText(prefix + text, SECTION_MAX).map((piece) => ({ type: 'section', text: plain(piece, SECTION_MAX) }));
}

/** Bold, inert text: a rich_text section whose text elements Slack never parses. */
function boldRichText(text: string): KnownBlock {
  const elements: RichTextText[] = [{ type: 'text', text: text || ' ', style: { bold: true } }];
  return { type: 'rich_text', elements: [{ type: 'rich_text_section', elements }] };
}

function renderHeading(text: string): KnownBlock[] {
  const oneLine = text.replace(/\s+/g, ' ').trim();
  if (oneLine.length <= HEADER_MAX) return [{ type: 'header', text: plain(oneLine, HEADER_MAX) }];
  // Too long for a header block: keep every character, still bold and still inert.
  return splitText(oneLine, SECTION_MAX).map(boldRichText);
}

/**
 * A cell cut to its column; a short remark in brackets at its end ("… (amended)") survives the cut, so the name is cut
 * instead of what is said about it.
 */
function cutCell(cell: string, width: number): string {
  if (cell.length <= width) return cell;
  const m = /^(.*\S)\s(\([^()]{1,20}\))$/.exec(cell);
  if (!m || m[2]!.length + 8 > width) return truncate(cell, width);
  return `${truncate(m[1]!, width - m[2]!.length - 1)} ${m[2]}`;
}

function renderTable(columns: string[], rows: string[][]): KnownBlock[] {
  const widths = columns.map((c, i) => Math.min(40, Math.max(c.length, ...rows.map((r) => (r[i] ?? '').length))));
  const line = (cells: string[]) => cells.map((c, i) => cutCell(c ?? '', widths[i]!).padEnd(widths[i]!)).join('  ').trimEnd();
  const lines = [line(columns), ...rows.map(line)];
  // Preformatted rich text keeps columns aligned (monospace) and, unlike a mrkdwn ``` block, a cell holding
  // backticks cannot close it. Split by lines so each block stays under the section limit.
  const blocks: KnownBlock[] = [];
  let current: string[] = [];
  const flush = () => {
    if (current.length) {
      const elements: RichTextText[] = [{ type: 'text', text: current.join('\n') }];
      blocks.push({ type: 'rich_text', elements: [{ type: 'rich_text_preformatted', elements }] });
    }
    current = [];
  };
  for (const l of lines) {
    if ([...current, l].join('\n').length > SECTION_MAX) flush();
    current.push(truncate(l, SECTION_MAX));
  }
  flush();
  return blocks;
}


/** A link safe inside Slack's <url|label>: http(s), none of the characters that would end or split it. */
function linkTarget(url: string | undefined): string | undefined {
  return url && /^https?:\/\/[^\s<>|"'`]+$/i.test(url) ? url : undefined;
}

/**
 * How a reply's images (the digest chart) appear in Block Kit. A message cannot carry the PNG itself: it is uploaded
 * next to the message (files.uploadV2: in a DM right after it, in a channel in its thread), and `imageNote` says where,
 * under the image's title. Without a note nothing is shown for it (a modal, or a reply whose images are not sent).
 */
export interface RenderOptions {
  imageNote?: string;
}

export function renderBlock(block: ReplyBlock, opts: RenderOptions = {}): KnownBlock[] {
  switch (block.kind) {
    case 'heading':
      return renderHeading(block.text);
    case 'paragraph':
      return sections(block.text);
    case 'notice':
      return sections(block.text, `${TONE_EMOJI[block.tone]} `);
    case 'fields': {
      const out: KnownBlock[] = [];
      for (let i = 0; i < block.fields.length; i += FIELDS_PER_SECTION) {
        out.push({
          type: 'section',
          fields: block.fields.slice(i, i + FIELDS_PER_SECTION).map((f) => plain(`${f.label}\n${f.value}`, FIELD_MAX)),
        });
      }
      return out;
    }
    case 'sources': {
      const out: KnownBlock[] = [{ type: 'context', elements: [mrkdwn('*Sources*')] }];
      block.citations.forEach((c, i) => {
        const excerpt = truncate(c.excerpt.replace(/\s+/g, ' ').trim(), EXCERPT_MAX);
        const text = [citationLabel(c), excerpt ? `“${excerpt}”` : ''].filter(Boolean).join('\n');
        const link = linkTarget(c.url);
        // The number and the link are the renderer's own mrkdwn (the URL is checked); the document's words are plain_text.
        out.push({
          type: 'context',
          elements: [mrkdwn(`*[${i + 1}]*`), plain(text, CONTEXT_MAX), ...(link ? [mrkdwn(`<${link}|Open the document>`)] : [])],
        });
      });
      return out;
    }
    case 'table':
      return renderTable(block.columns, block.rows);
    case 'image':
      return opts.imageNote ? [{ type: 'context', elements: [plain(`📊 ${block.title}: ${opts.imageNote}`, CONTEXT_MAX)] }] : [];
    case 'actions': {
      const seen = new Map<string, number>();
      return [
        {
          type: 'actions',
          elements: block.actions.map((a) => ({
            type: 'button' as const,
            action_id: uniqueActionId(a.id, seen),
            text: plain(a.label, 75),
            value: truncate(a.value, 2000),
            ...(a.style ? { style: a.style } : {}),
            ...(a.confirm
              ? {
                  confirm: {
                    title: plain(a.confirm.title, 100),
                    text: plain(a.confirm.text, 300),
                    confirm: plain(a.confirm.yes, 30),
                    deny: plain(a.confirm.no, 30),
                  },
                }
              : {}),
          })),
        },
      ];
    }
    case 'divider':
      return [{ type: 'divider' }];
  }
}

/** All blocks of a reply, in order (may exceed a message's block limit: see toMessages). */
export function renderBlocks(reply: Reply, opts: RenderOptions = {}): KnownBlock[] {
  return reply.blocks.flatMap((b) => renderBlock(b, opts));
}

/** True when the reply has an image (the digest chart) to upload beside its message. */
export function hasImages(reply: Reply): boolean {
  return reply.blocks.some((b) => b.kind === 'image');
}

/**
 * The top-level `text` (notifications, and the message when blocks cannot be shown). Slack always reads it as
 * mrkdwn, so it is neutralised (entities, and a zero-width joiner before formatting markers) and cut to `max`
 * characters of escaped text without splitting an entity.
 */
export function fallbackText(text: string, max = FALLBACK_MAX): string {
  const chars = Array.from(text);
  let out = '';
  for (const [i, ch] of chars.entries()) {
    // One character at a time, so a cut never splits an entity, a joiner from its marker, or a surrogate pair.
    const piece = neutraliseMrkdwn(ch);
    if (out.length + piece.length > max - (i < chars.length - 1 ? 1 : 0)) return out + '…';
    out += piece;
  }
  return out.trim() ? out : ' ';
}

export interface SlackMessage {
  text: string;
  blocks: KnownBlock[];
}

/** One or more messages, each within Slack's 50-block limit; the fallback text is neutralised and bounded. */
export function toMessages(reply: Reply, maxBlocks = MESSAGE_BLOCKS_MAX, opts: RenderOptions = {}): SlackMessage[] {
  const blocks = renderBlocks(reply, opts);
  const text = fallbackText(reply.text);
  if (!blocks.length) return [{ text, blocks: [] }];
  const out: SlackMessage[] = [];
  for (let i = 0; i < blocks.length; i += maxBlocks) {
    out.push({ text: i === 0 ? text : `${fallbackText(reply.text, 200)} (continued)`, blocks: blocks.slice(i, i + maxBlocks) });
  }
  return out;
}

/** Blocks for a view (modal or App Home), cut to the view limit with a note when longer. */
export function toViewBlocks(reply: Reply, max = VIEW_BLOCKS_MAX, opts: RenderOptions = {}): KnownBlock[] {
  const blocks = renderBlocks(reply, opts);
  if (blocks.length <= max) return blocks;
  return [...blocks.slice(0, max - 1), { type: 'context', elements: [mrkdwn('_Shortened to fit; ask me for the rest._')] }];
}
