import type { KnownBlock } from './slack-types.js';
import type { Reply, ReplyBlock } from '../../../src/bot/reply.js';
import { escapeMrkdwn, mrkdwn, plain, splitText, truncate } from './escape.js';

/** Slack limits: section text 3000 chars, 10 fields of 2000, header 150, 50 blocks per message (100 in views). */
export const SECTION_MAX = 3000;
export const MESSAGE_BLOCKS_MAX = 50;
export const VIEW_BLOCKS_MAX = 100;
const EXCERPT_MAX = 280;

const TONE_EMOJI = { info: ':information_source:', success: ':white_check_mark:', warning: ':warning:', error: ':x:' } as const;

function sections(text: string, prefix = ''): KnownBlock[] {
  const escaped = prefix + escapeMrkdwn(text);
  return splitText(escaped, SECTION_MAX).map((piece) => ({ type: 'section', text: mrkdwn(piece) }));
}

function renderTable(columns: string[], rows: string[][]): KnownBlock[] {
  const widths = columns.map((c, i) => Math.min(40, Math.max(c.length, ...rows.map((r) => (r[i] ?? '').length))));
  const line = (cells: string[]) => cells.map((c, i) => truncate(c ?? '', widths[i]!).padEnd(widths[i]!)).join('  ').trimEnd();
  const lines = [line(columns), ...rows.map(line)];
  // Code blocks keep columns aligned; split by lines so each block stays under the limit.
  const blocks: KnownBlock[] = [];
  let current: string[] = [];
  const flush = () => {
    if (current.length) blocks.push({ type: 'section', text: mrkdwn('```' + escapeMrkdwn(current.join('\n')) + '```') });
    current = [];
  };
  for (const l of lines) {
    if (escapeMrkdwn([...current, l].join('\n')).length + 6 > SECTION_MAX) flush();
    current.push(l);
  }
  flush();
  return blocks;
}

export function renderBlock(block: ReplyBlock): KnownBlock[] {
  switch (block.kind) {
    case 'heading':
      return [{ type: 'header', text: plain(block.text, 150) }];
    case 'paragraph':
      return sections(block.text);
    case 'notice':
      return sections(block.text, `${TONE_EMOJI[block.tone]} `);
    case 'fields': {
      const out: KnownBlock[] = [];
      for (let i = 0; i < block.fields.length; i += 10) {
        out.push({
          type: 'section',
          fields: block.fields.slice(i, i + 10).map((f) => mrkdwn(truncate(`*${escapeMrkdwn(f.label)}*\n${escapeMrkdwn(f.value)}`, 2000))),
        });
      }
      return out;
    }
    case 'sources': {
      const out: KnownBlock[] = [{ type: 'context', elements: [mrkdwn('*Sources*')] }];
      block.citations.forEach((c, i) => {
        const where = [c.title || c.source, c.section].filter(Boolean).map(escapeMrkdwn).join(' — ');
        const excerpt = escapeMrkdwn(truncate(c.excerpt.replace(/\s+/g, ' ').trim(), EXCERPT_MAX));
        out.push({ type: 'context', elements: [mrkdwn(truncate(`*[${i + 1}]* ${where} (${escapeMrkdwn(c.source)})\n> ${excerpt}`, SECTION_MAX))] });
      });
      return out;
    }
    case 'table':
      return renderTable(block.columns, block.rows);
    case 'image':
      // Images need an upload (files.uploadV2); in blocks we say what it shows.
      return [{ type: 'context', elements: [mrkdwn(`:bar_chart: ${escapeMrkdwn(block.title)}: ${escapeMrkdwn(block.alt)}`)] }];
    case 'actions':
      return [
        {
          type: 'actions',
          elements: block.actions.map((a) => ({
            type: 'button' as const,
            action_id: a.id,
            text: plain(a.label, 75),
            value: truncate(a.value, 2000),
            ...(a.style ? { style: a.style } : {}),
          })),
        },
      ];
    case 'divider':
      return [{ type: 'divider' }];
  }
}

/** All blocks of a reply, in order (may exceed a message's block limit: see toMessages). */
export function renderBlocks(reply: Reply): KnownBlock[] {
  return reply.blocks.flatMap(renderBlock);
}

export interface SlackMessage {
  text: string;
  blocks: KnownBlock[];
}

/** One or more messages, each within Slack's 50-block limit; the fallback text is escaped and bounded. */
export function toMessages(reply: Reply, maxBlocks = MESSAGE_BLOCKS_MAX): SlackMessage[] {
  const blocks = renderBlocks(reply);
  const text = truncate(escapeMrkdwn(reply.text), 3000);
  if (!blocks.length) return [{ text, blocks: [] }];
  const out: SlackMessage[] = [];
  for (let i = 0; i < blocks.length; i += maxBlocks) {
    out.push({ text: i === 0 ? text : `${truncate(text, 200)} (continued)`, blocks: blocks.slice(i, i + maxBlocks) });
  }
  return out;
}

/** Blocks for a view (modal or App Home), cut to the view limit with a note when longer. */
export function toViewBlocks(reply: Reply, max = VIEW_BLOCKS_MAX): KnownBlock[] {
  const blocks = renderBlocks(reply);
  if (blocks.length <= max) return blocks;
  return [...blocks.slice(0, max - 1), { type: 'context', elements: [mrkdwn('_Shortened to fit; ask me for the rest._')] }];
}
