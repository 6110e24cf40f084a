import type { Activity } from 'botbuilder';
import type { Reply, ReplyAction, ReplyBlock } from '../../../src/shared/reply.js';
import { citationLabel, type Citation } from '../../../src/shared/citation.js';
import { escapeMarkdown, oneLine } from './markdown.js';
import { CARD_CONTENT_TYPE, card, type AdaptiveCard, type CardAction, type CardElement } from './types.js';

/**
 * Teams refuses bot messages over roughly 28 KB. Images (base64 in the card) are included only while the whole
 * card stays under this budget; otherwise they are left out with a note rather than failing the message.
 */
export const MAX_CARD_CHARS = 26_000;

const NOTICE_STYLE = { info: 'emphasis', success: 'good', warning: 'warning', error: 'attention' } as const;

/**
 * A reply that is one short piece of text (an abstention, a refusal, "thanks") goes out as a plain-text message:
 * no card needed and nothing to escape. Anything with structure gets a card, which keeps its layout.
 */
export function isPlainReply(reply: Reply): boolean {
  return reply.blocks.length === 0 || (reply.blocks.length === 1 && (reply.blocks[0]!.kind === 'paragraph' || reply.blocks[0]!.kind === 'notice'));
}

/** Teams shows feedback as thumbs, like its own feedback buttons. */
const ACTION_ICONS: Partial<Record<ReplyAction['id'], string>> = { feedback_helpful: '👍', feedback_not_helpful: '👎' };

const FEEDBACK_ACTIONS = new Set<ReplyAction['id']>(['feedback_helpful', 'feedback_not_helpful']);

export function hasFeedbackActions(reply: Reply): boolean {
  return reply.blocks.some((b) => b.kind === 'actions' && b.actions.some((a) => FEEDBACK_ACTIONS.has(a.id)));
}

export interface ActivityOptions {
  /**
   * Use Teams' native feedback buttons (channelData.feedbackLoopEnabled, handled by the teams-ai feedback loop)
   * instead of the reply's Helpful / Not helpful card buttons.
   */
  feedbackLoop?: boolean;
}

/** Neutral Reply -> Bot Framework message activity: plain text when that suffices, otherwise an Adaptive Card. */
export function replyToActivity(reply: Reply, opts: ActivityOptions = {}): Partial<Activity> {
  let r = reply;
  if (opts.feedbackLoop) {
    r = {
      ...reply,
      blocks: reply.blocks
        .map((b) => (b.kind === 'actions' ? { ...b, actions: b.actions.filter((a) => !FEEDBACK_ACTIONS.has(a.id)) } : b))
        .filter((b) => b.kind !== 'actions' || b.actions.length > 0),
    };
  }
  const channelData = opts.feedbackLoop ? { channelData: { feedbackLoopEnabled: true } } : {};
  if (isPlainReply(r)) {
    return { type: 'message', text: plainText(r), textFormat: 'plain', ...channelData };
  }
  return {
    type: 'message',
    summary: oneLine(r.text, 120),
    attachments: [{ contentType: CARD_CONTENT_TYPE, content: renderReplyCard(r) }],
    ...channelData,
  };
}

export function plainText(reply: Reply): string {
  if (reply.blocks.length === 0) return reply.text;
  return reply.blocks
    .map((b) => (b.kind === 'divider' ? '' : 'text' in b ? b.text : ''))
    .filter((t, i, all) => t !== '' || (i > 0 && all[i - 1] !== ''))
    .join('\n\n')
    .trim();
}

export function renderReplyCard(reply: Reply): AdaptiveCard {
  // First without images, to know how much room the card leaves for them.
  const withoutImages = buildCard(reply, () => false);
  let room = MAX_CARD_CHARS - JSON.stringify(withoutImages).length;
  return buildCard(reply, (png) => {
    const cost = Math.ceil((png.byteLength * 4) / 3) + 200;
    if (cost > room) return false;
    room -= cost;
    return true;
  });
}

function buildCard(reply: Reply, includeImage: (png: Uint8Array) => boolean): AdaptiveCard {
  const body: CardElement[] = [];
  const actions: CardAction[] = [];
  for (const block of reply.blocks) {
    if (block.kind === 'actions') {
      actions.push(...block.actions.map(toSubmit));
    } else if (block.kind === 'image') {
      body.push(...renderImage(block, includeImage(block.png)));
    } else {
      body.push(...renderBlock(block));
    }
  }
  if (body.length === 0) body.push(text(reply.text));
  return card(body, {
    fallbackText: reply.text,
    msteams: { width: 'Full' },
    ...(actions.length ? { actions } : {}),
  });
}

function renderBlock(block: Exclude<ReplyBlock, { kind: 'actions' | 'image' }>): CardElement[] {
  switch (block.kind) {
    case 'heading':
      return [text(block.text, { weight: 'Bolder', size: 'Medium' })];
    case 'paragraph':
      return [text(block.text)];
    case 'notice':
      return [
        {
          type: 'Container',
          style: NOTICE_STYLE[block.tone],
          items: [text(block.text)],
        },
      ];
    case 'fields':
      return [
        {
          type: 'FactSet',
          facts: block.fields.map((f) => ({ title: escapeMarkdown(oneLine(f.label, 80)), value: escapeMarkdown(f.value) })),
        },
      ];
    case 'sources':
      return renderSources(block.citations);
    case 'table':
      return [renderTable(block.columns, block.rows)];
    case 'divider':
      return [{ type: 'Container', separator: true, spacing: 'Medium', items: [] }];
  }
}

function renderSources(citations: Citation[]): CardElement[] {
  if (citations.length === 0) return [];
  const items: CardElement[] = [text('Sources', { weight: 'Bolder', separator: true, spacing: 'Medium' })];
  citations.forEach((c, i) => {
    const excerpt = oneLine(c.excerpt, 600);
    const link = linkTarget(c.url);
    items.push({
      type: 'Container',
      spacing: 'Small',
      items: [
        text(`**${i + 1}.** ${escapeMarkdown(oneLine(citationLabel(c), 320))}`, { spacing: 'None', escaped: true }),
        ...(excerpt ? [text(`“${escapeMarkdown(excerpt)}”`, { isSubtle: true, spacing: 'None', escaped: true })] : []),
        ...(link ? [text(`[Open the document](${link})`, { size: 'Small', spacing: 'None', escaped: true })] : []),
      ],
    });
  });
  return items;
}


/** A link safe inside Markdown's [label](url): http(s), no spaces, brackets or quotes. */
function linkTarget(url: string | undefined): string | undefined {
  return url && /^https?:\/\/[^\s()<>[\]"'`\\]+$/i.test(url) ? url : undefined;
}

function renderTable(columns: string[], rows: string[][]): CardElement {
  const cell = (value: string, bold = false): CardElement => ({
    type: 'TableCell',
    items: [text(value, bold ? { weight: 'Bolder' } : {})],
  });
  const asText = [columns, ...rows].map((r) => r.join(' · ')).join('\n');
  return {
    type: 'Table',
    firstRowAsHeader: true,
    showGridLines: true,
    columns: columns.map(() => ({ width: 1 })),
    rows: [
      { type: 'TableRow', style: 'emphasis', cells: columns.map((c) => cell(c, true)) },
      ...rows.map((r) => ({ type: 'TableRow', cells: columns.map((_, i) => cell(r[i] ?? '')) })),
    ],
    // Clients without Table support (older mobile builds) show the rows as text instead.
    fallback: text(asText),
  };
}

function renderImage(block: Extract<ReplyBlock, { kind: 'image' }>, include: boolean): CardElement[] {
  if (!include) {
    return [text(`${block.title}: chart not shown here (too large for a Teams message); the figures are above.`, { isSubtle: true })];
  }
  const b64 = Buffer.from(block.png).toString('base64');
  return [
    text(block.title, { weight: 'Bolder' }),
    { type: 'Image', url: `data:image/png;base64,${b64}`, altText: block.alt, size: 'Stretch' },
  ];
}

function toSubmit(action: ReplyAction): CardAction {
  return {
    type: 'Action.Submit',
    title: ACTION_ICONS[action.id] ? `${ACTION_ICONS[action.id]} ${action.label}` : action.label,
    data: { verb: action.id, value: action.value },
    ...(action.style ? { style: action.style === 'primary' ? 'positive' : 'destructive' } : {}),
  };
}

/**
 * A wrapping TextBlock. Text is escaped here unless `escaped` says the caller built Markdown on purpose
 * from already-escaped parts.
 */
function text(value: string, opts: Record<string, unknown> & { escaped?: boolean } = {}): CardElement {
  const { escaped, ...rest } = opts;
  return { type: 'TextBlock', text: escaped ? value : escapeMarkdown(value), wrap: true, ...rest };
}
