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
  const { card: content, images } = renderReply(r);
  return {
    type: 'message',
    summary: oneLine(r.text, 120),
    attachments: [{ contentType: CARD_CONTENT_TYPE, content }, ...images],
    ...channelData,
  };
}

/** An image sent with the card as a picture of its own, which Teams opens full size (zoomable) when tapped. */
export interface ImageAttachment {
  contentType: 'image/png';
  contentUrl: string;
  name: string;
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
  return renderReply(reply).card;
}

/**
 * The card, and its images (the digest chart) as picture attachments after it. Teams cannot open a base64 image inside
 * a card full size (its stage view needs an https URL), but it opens a picture attachment full size, with zoom, when
 * tapped; the card says the chart is below. Pictures are included while the whole message stays under Teams' size
 * limit; otherwise the card says the chart was left out.
 */
export function renderReply(reply: Reply): { card: AdaptiveCard; images: ImageAttachment[] } {
  // First without images, to know how much room the card leaves for them.
  const withoutImages = buildCard(reply, () => false);
  let room = MAX_CARD_CHARS - JSON.stringify(withoutImages).length;
  const images: ImageAttachment[] = [];
  const card = buildCard(reply, (png, title) => {
    const attachment: ImageAttachment = { contentType: 'image/png', contentUrl: `data:image/png;base64,${Buffer.from(png).toString('base64')}`, name: `${fileName(title)}.png` };
    const cost = JSON.stringify(attachment).length + 200;
    if (cost > room) return false;
    room -= cost;
    images.push(attachment);
    return true;
  });
  return { card, images };
}

function fileName(title: string): string {
  return title.replace(/[^A-Za-z0-9 _-]+/g, '').trim().replace(/\s+/g, '-').slice(0, 60) || 'chart';
}

function buildCard(reply: Reply, includeImage: (png: Uint8Array, title: string) => boolean): AdaptiveCard {
  const body: CardElement[] = [];
  const actions: CardAction[] = [];
  for (const [i, block] of reply.blocks.entries()) {
    if (block.kind === 'actions') {
      // Buttons with text after them stay where they are (a reminder's buttons, then "Or type it in one go"), as
      // Slack shows them; buttons that end the reply are the card's own actions.
      const last = reply.blocks.slice(i + 1).every((b) => b.kind === 'actions');
      if (last) actions.push(...block.actions.map(toSubmit));
      else body.push({ type: 'ActionSet', actions: block.actions.map(toSubmit) });
    } else if (block.kind === 'image') {
      body.push(...renderImage(block, includeImage(block.png, block.title)));
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
      return renderTable(block.columns, block.rows);
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

/**
 * A table as a phone reads it: one block per row, its first cell as the row's title and the other cells as facts
 * ("Sessions: 6"). A Table element squeezes every column into the width of a phone and breaks words mid-way
 * ("Burghle-y"); a FactSet wraps each value in the room it has. A two-column table is one FactSet.
 */
function renderTable(columns: string[], rows: string[][]): CardElement[] {
  if (columns.length <= 2) {
    return [
      {
        type: 'FactSet',
        facts: rows.map((r) => ({ title: escapeMarkdown(oneLine(r[0] ?? '', 80)), value: escapeMarkdown(r[1] ?? '') || '-' })),
      },
    ];
  }
  return rows.map((r, i) => {
    // An empty cell is left out ("Missing" needs no "Sessions: -" under it on a phone).
    const facts = columns
      .slice(1)
      .map((c, j) => ({ title: escapeMarkdown(oneLine(c, 40)), value: escapeMarkdown(r[j + 1] ?? '') }))
      .filter((f) => f.value !== '');
    return {
      type: 'Container',
      spacing: 'Medium',
      separator: i > 0,
      items: [text(r[0] ?? '', { weight: 'Bolder' }), ...(facts.length ? [{ type: 'FactSet', spacing: 'Small', facts }] : [])],
    };
  });
}

function renderImage(block: Extract<ReplyBlock, { kind: 'image' }>, include: boolean): CardElement[] {
  if (!include) {
    return [text(`${block.title}: chart not shown here (too large for a Teams message); the figures are above.`, { isSubtle: true })];
  }
  return [
    text(block.title, { weight: 'Bolder' }),
    text(`The chart is below this card: tap it to open it full size. ${block.alt}`, { isSubtle: true }),
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
