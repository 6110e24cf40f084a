import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { escapeMrkdwn, neutraliseMrkdwn, splitText, truncate, ZWJ } from '../../adapters/slack/blocks/escape.js';
import { renderBlocks, toMessages, fallbackText, SECTION_MAX, MESSAGE_BLOCKS_MAX, FALLBACK_MAX, FIELD_MAX, CONTEXT_MAX } from '../../adapters/slack/blocks/render-reply.js';
import { formFields } from '../../src/attendance/form-fields.js';
import { attendanceModal } from '../../adapters/slack/blocks/attendance-modal.js';
import { modalErrors } from '../../adapters/slack/listeners/views/attendance-submission.js';
import { FIGURE_FIELDS, FIGURE_LABELS } from '../../src/attendance/types.js';
import type { Reply } from '../../src/shared/reply.js';
import { homeView } from '../../adapters/slack/blocks/home-view.js';
import { viewProblems } from '../helpers/block-kit-rules.js';

/** Every text object or rich_text text element in blocks, with its kind. */
function textObjects(blocks: any[]): { kind: 'mrkdwn' | 'plain_text' | 'rich_text'; text: string }[] {
  const out: { kind: 'mrkdwn' | 'plain_text' | 'rich_text'; text: string }[] = [];
  const walk = (x: any, inRichText: boolean) => {
    if (!x || typeof x !== 'object') return;
    if (Array.isArray(x)) return x.forEach((y) => walk(y, inRichText));
    if (x.type === 'mrkdwn' || x.type === 'plain_text') out.push({ kind: x.type, text: x.text });
    else if (inRichText && x.type === 'text') out.push({ kind: 'rich_text', text: x.text });
    for (const v of Object.values(x)) walk(v, inRichText || x.type === 'rich_text');
  };
  walk(blocks, false);
  return out;
}

/** Text Slack would parse (mrkdwn objects) vs text it shows character for character (plain_text, rich_text text). */
const parsedText = (blocks: any[]) => textObjects(blocks).filter((t) => t.kind === 'mrkdwn').map((t) => t.text).join('\n');
const literalText = (blocks: any[]) => textObjects(blocks).filter((t) => t.kind !== 'mrkdwn').map((t) => t.text).join('\n');

const HOSTILE = '<!channel> <@U123> <https://evil.example|click> *bold* _it_ ~x~ `code` :skull: & more';
const QUOTE = '> quoted line';

/** Mentions, links and formatting markers Slack's mrkdwn would act on. */
const ACTIVE_MRKDWN = /<[!@#]|<https?:|<mailto:|(^|[\s(])[*_~`][^\s*_~`]/m;

describe('Slack Block Kit rendering', () => {
  const hostileReply: Reply = {
    text: `${HOSTILE}\n${QUOTE}`,
    blocks: [
      { kind: 'heading', text: `Return for *Camden* <!here>` },
      { kind: 'paragraph', text: `${HOSTILE}\n${QUOTE}` },
      { kind: 'notice', tone: 'warning', text: `Note: ${HOSTILE}` },
      { kind: 'fields', fields: [{ label: 'Note <!channel> *x*', value: HOSTILE }] },
      { kind: 'sources', citations: [{ source: 'a<b>.pdf', title: 'T & C *draft*', section: '<!everyone>', excerpt: `see <http://x|y> ${HOSTILE}` }] },
      { kind: 'table', columns: ['Centre', 'Note'], rows: [['A *b*', '```<!here>``` _c_']] },
      { kind: 'image', title: 'Chart *x*', alt: '<@U999> ~y~', png: new Uint8Array(), width: 1, height: 1 },
    ],
  };

  it('puts text from people and documents in plain_text objects, character for character', () => {
    const blocks = renderBlocks(hostileReply, { imageNote: 'the chart follows this message.' }) as any[];
    const literal = literalText(blocks);
    // Exactly as typed: no entities, no stripped markers, no emoji conversion.
    expect(literal).toContain(HOSTILE);
    expect(literal).toContain(QUOTE);
    expect(literal).toContain('Note <!channel> *x*');
    expect(literal).toContain('T & C *draft* — <!everyone>');
    // Sources show the document's title, never its file name.
    expect(literal).not.toContain('a<b>.pdf');
    expect(literal).toContain('```<!here>``` _c_');
    // An image's line names it and says where the uploaded chart is; its alt text goes with the upload.
    expect(literal).toContain('Chart *x*: the chart follows this message.');
    expect(renderBlocks({ text: 'x', blocks: [hostileReply.blocks.at(-1)!] })).toEqual([]);
    expect(literal).toContain('Return for *Camden* <!here>');
    expect(literal).not.toContain('&lt;');
    expect(literal).not.toContain('&amp;');
    for (const t of textObjects(blocks)) if (t.kind === 'plain_text') expect((t as any).text.length).toBeGreaterThan(0);
    for (const b of blocks) {
      for (const t of [b.text, ...(b.fields ?? []), ...(b.elements ?? [])]) if (t?.type === 'plain_text') expect(t.emoji).toBe(false);
    }
  });

  it('never lets text from people or documents into a mrkdwn object', () => {
    const blocks = renderBlocks(hostileReply) as any[];
    const parsed = parsedText(blocks);
    // Only the renderer's own labels are mrkdwn.
    expect(parsed.split('\n').sort()).toEqual(['*Sources*', '*[1]*']);
    for (const t of textObjects(blocks)) if (t.kind === 'mrkdwn') expect(t.text).not.toMatch(/<|&|evil|bold|channel|skull/);
    for (const b of blocks) for (const t of [b.text, ...(b.fields ?? []), ...(b.elements ?? [])]) if (t?.type === 'mrkdwn') expect(t.verbatim).toBe(true);
  });

  it('uses a header block for short headings and bold inert rich text for long ones', () => {
    const [short] = renderBlocks({ text: 'h', blocks: [{ kind: 'heading', text: 'Weekly *digest*' }] }) as any[];
    expect(short).toEqual({ type: 'header', text: { type: 'plain_text', text: 'Weekly *digest*', emoji: false } });
    const longHeading = 'Digest '.repeat(40) + '*end*';
    const long = renderBlocks({ text: 'h', blocks: [{ kind: 'heading', text: longHeading }] }) as any[];
    expect(long[0].type).toBe('rich_text');
    const el = long[0].elements[0].elements[0];
    expect(el).toMatchObject({ type: 'text', style: { bold: true } });
    expect(el.text).toBe(longHeading.trim());
  });

  it('a long cell is cut to its column, keeping a closing remark in brackets ("(amended)") and cutting the name instead', () => {
    const blocks = renderBlocks({
      text: 't',
      blocks: [{ kind: 'table', columns: ['Centre', 'Sessions'], rows: [['Acland Burghley Opportunity Centre (amended)', '6'], ['Camden Career Club at the Euston Skills Centre', '4']] }],
    }) as any[];
    const lines = String(blocks[0].elements[0].elements[0].text).split('\n');
    expect(lines[1]).toMatch(/^Acland Burghley Opportunity \S*… \(amended\) +6$/);
    expect(lines[1]!.indexOf('6')).toBe(lines[2]!.indexOf('4'));
    expect(lines[2]).toMatch(/^Camden Career Club at the Euston Skills… +4$/);
  });

  it('renders tables as preformatted rich text, so a cell cannot close a code block', () => {
    const blocks = renderBlocks({ text: 't', blocks: [{ kind: 'table', columns: ['Centre', 'Sessions'], rows: [['```A``` *b*', '3']] }] }) as any[];
    expect(blocks).toHaveLength(1);
    expect(blocks[0].type).toBe('rich_text');
    expect(blocks[0].elements[0].type).toBe('rich_text_preformatted');
    expect(blocks[0].elements[0].elements[0].text).toContain('```A``` *b*');
    expect(blocks[0].elements[0].elements[0].style).toBeUndefined();
  });

  it('the top-level fallback (mrkdwn) is escaped and has no active formatting markers', () => {
    const [m] = toMessages(hostileReply);
    expect(m!.text).not.toMatch(ACTIVE_MRKDWN);
    expect(m!.text).not.toMatch(/(^|\n)\s*&gt;/);
    expect(m!.text).not.toContain('<');
    expect(m!.text).toContain('&lt;!channel');
    // Visible characters are unchanged: only zero-width joiners were added.
    const shown = m!.text.replace(new RegExp(ZWJ, 'g'), '').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
    expect(shown).toBe(hostileReply.text);
  });

  it('neutraliseMrkdwn never leaves a raw angle bracket or an unguarded marker, and only adds joiners (property)', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 500 }), (s) => {
        const e = neutraliseMrkdwn(s);
        expect(e).not.toMatch(/[<>]/);
        expect(e).not.toMatch(new RegExp(`(^|[^${ZWJ}])[*_~\`]`));
        expect(e).not.toMatch(new RegExp(`(^|[^${ZWJ}])&gt;`));
        expect(e.replace(new RegExp(ZWJ, 'g'), '').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&')).toBe(s.replace(new RegExp(ZWJ, 'g'), ''));
      }),
    );
  });

  it('escapeMrkdwn never leaves a raw angle bracket (property)', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 500 }), (s) => {
        const e = escapeMrkdwn(s);
        expect(e).not.toMatch(/[<>]/);
        expect(e.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&')).toBe(s);
      }),
    );
  });

  it('fallbackText is bounded, never ends inside an entity, and keeps short text whole (property)', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 2000 }), fc.integer({ min: 10, max: 600 }), (s, max) => {
        const t = fallbackText(s, max);
        expect(t.length).toBeLessThanOrEqual(max);
        expect(t).not.toMatch(/&(a|am|amp|l|lt|g|gt)?…?$/);
        expect(t).not.toMatch(/[<>]/);
        if (neutraliseMrkdwn(s).length <= max && s.trim()) expect(t).toBe(neutraliseMrkdwn(s));
      }),
      { numRuns: 200 },
    );
  });

  it('splits long answers to 3000-character plain_text sections and 50-block messages', () => {
    const long = Array.from({ length: 4000 }, (_, i) => `Sentence ${i} about post-16 pathways & <things> *and* _more_.`).join(' ');
    const blocks = renderBlocks({ text: long, blocks: [{ kind: 'paragraph', text: long }] }) as any[];
    expect(blocks.length).toBeGreaterThan(MESSAGE_BLOCKS_MAX);
    for (const b of blocks) {
      expect(b.text.type).toBe('plain_text');
      expect(b.text.text.length).toBeLessThanOrEqual(SECTION_MAX);
    }
    const rejoined = blocks.map((b) => b.text.text).join(' ').replace(/\s+/g, ' ');
    expect(rejoined).toBe(long.replace(/\s+/g, ' '));
    const messages = toMessages({ text: long, blocks: [{ kind: 'paragraph', text: long }] });
    expect(messages.length).toBeGreaterThan(1);
    for (const m of messages) {
      expect(m.blocks.length).toBeLessThanOrEqual(MESSAGE_BLOCKS_MAX);
      expect(m.text.length).toBeLessThanOrEqual(FALLBACK_MAX);
      expect(m.text).not.toMatch(ACTIVE_MRKDWN);
    }
    expect(messages.flatMap((m) => m.blocks)).toHaveLength(blocks.length);
  });

  it('keeps fields, context elements and headers within their limits', () => {
    const big = 'x'.repeat(5000);
    const blocks = renderBlocks({
      text: 'l',
      blocks: [
        { kind: 'fields', fields: Array.from({ length: 23 }, (_, i) => ({ label: `L${i}`, value: big })) },
        { kind: 'sources', citations: [{ source: big, title: big, section: big, excerpt: big }] },
        { kind: 'image', title: big, alt: big, png: new Uint8Array(), width: 1, height: 1 },
        { kind: 'table', columns: ['a'], rows: Array.from({ length: 400 }, (_, i) => [`row ${i} ${'y'.repeat(30)}`]) },
      ],
    }, { imageNote: big }) as any[];
    const fieldBlocks = blocks.filter((b) => b.fields);
    expect(fieldBlocks.map((b) => b.fields.length)).toEqual([10, 10, 3]);
    for (const b of fieldBlocks) for (const f of b.fields) expect(f.text.length).toBeLessThanOrEqual(FIELD_MAX);
    for (const b of blocks.filter((x) => x.type === 'context')) for (const e of b.elements) expect(e.text.length).toBeLessThanOrEqual(CONTEXT_MAX);
    const tables = blocks.filter((b) => b.type === 'rich_text');
    expect(tables.length).toBeGreaterThan(1);
    for (const t of tables) expect(t.elements[0].elements[0].text.length).toBeLessThanOrEqual(SECTION_MAX);
  });

  it('splitText never cuts an entity or a surrogate pair and keeps every character', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 3000, unit: 'grapheme' }), fc.integer({ min: 20, max: 400 }), (s, max) => {
        const e = escapeMrkdwn(s);
        const pieces = splitText(e, max);
        for (const p of pieces) {
          expect(p.length).toBeLessThanOrEqual(max);
          expect(p).not.toMatch(/&(a|am|l|g|lt|gt|amp)?$/);
          expect(p).not.toMatch(/[\ud800-\udbff]$/);
        }
        expect(pieces.join('').replace(/\s/g, '')).toBe(e.replace(/\s/g, ''));
      }),
      { numRuns: 200 },
    );
  });

  it('truncate keeps to the limit and never splits an emoji (property)', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 400, unit: 'grapheme' }), fc.integer({ min: 1, max: 300 }), (s, max) => {
        const t = truncate(s, max);
        expect(t.length).toBeLessThanOrEqual(max);
        expect(t).not.toMatch(/[\ud800-\udbff](…)?$/);
        if (s.length <= max) expect(t).toBe(s);
      }),
      { numRuns: 300 },
    );
  });

  it('renders numbered sources and feedback buttons', () => {
    const blocks = renderBlocks({
      text: 'a',
      blocks: [
        { kind: 'sources', citations: [{ source: 'strategy.pdf', title: 'Education Strategy', section: 'Goal 13', excerpt: 'Camden Career Club…' }] },
        { kind: 'actions', actions: [{ id: 'feedback_helpful', label: 'Helpful', value: 'abc' }] },
      ],
    }) as any[];
    expect(blocks[1].elements[0]).toEqual({ type: 'mrkdwn', text: '*[1]*', verbatim: true });
    expect(blocks[1].elements[1]).toMatchObject({ type: 'plain_text', text: 'Education Strategy — Goal 13\n“Camden Career Club…”' });
    expect(blocks[2]).toMatchObject({ type: 'actions', elements: [{ type: 'button', action_id: 'feedback_helpful', value: 'abc' }] });
  });
});

describe('attendance modal', () => {
  it('has a centre picker limited to the given centres, a week picker with the default, and every figure', () => {
    const view = attendanceModal({
      centres: [{ id: 'acland-burghley', name: 'Acland Burghley' }],
      defaultWeek: '2026-11-16',
      fields: formFields([]),
      weekHint: "From Friday 14:00 the return due is this week's; before then, last week's.",
    }) as any;
    const ids = view.blocks.map((b: any) => b.block_id);
    expect(ids).toEqual(['centre', 'week', ...FIGURE_FIELDS, 'note']);
    expect(view.blocks[0].element.options.map((o: any) => o.value)).toEqual(['acland-burghley']);
    expect(view.blocks[0].element.initial_option.value).toBe('acland-burghley');
    expect(view.blocks[1].element).toMatchObject({ type: 'datepicker', initial_date: '2026-11-16' });
    expect(view.blocks.find((b: any) => b.block_id === 'note').optional).toBe(true);
  });

  it('preselects the centre a reminder names, and none when a lead of several centres opens it plainly', () => {
    const fields = formFields([]);
    const centres = [
      { id: 'camden-career-club', name: 'Camden Career Club' },
      { id: 'london-ai-campus', name: 'London AI Campus' },
    ];
    const preset = attendanceModal({ centres, defaultWeek: '2026-11-09', initialCentre: 'london-ai-campus', fields, weekHint: 'x' }) as any;
    expect(preset.blocks[0].element.initial_option.value).toBe('london-ai-campus');
    expect(preset.blocks[1].element.initial_date).toBe('2026-11-09');
    const plain = attendanceModal({ centres, defaultWeek: '2026-11-16', fields, weekHint: 'x' }) as any;
    expect(plain.blocks[0].element.initial_option).toBeUndefined();
  });
});

describe('modal errors', () => {
  it('are at most 150 characters each, keyed by block, and never end in half an emoji', () => {
    const long = 'x'.repeat(148) + '😀😀 more';
    const errors = modalErrors([
      { field: 'sessions', message: long },
      { field: 'no-such-field', message: 'Centre problem.' },
    ]);
    expect(Object.keys(errors).sort()).toEqual(['centre', 'sessions']);
    expect(errors.sessions!.length).toBeLessThanOrEqual(150);
    expect(errors.sessions).not.toMatch(/[\ud800-\udbff](…)?$/);
    expect(errors.centre).toBe('Centre problem.');
  });

  it('name fields by the form\'s labels and are cut at a word, never mid-word', () => {
    const message =
      'Unique pupils (150) cannot be more than Total attendances (120): each pupil attends at least once, so check the register for the week and count each pupil once only.';
    const errors = modalErrors([{ field: 'pupils', message }], ['pupils~2']);
    const shown = errors['pupils~2']!;
    expect(shown.length).toBeLessThanOrEqual(150);
    expect(shown.startsWith('Unique pupils (150) cannot be more than Total attendances (120)')).toBe(true);
    expect(shown.endsWith('…')).toBe(true);
    // What is left before the ellipsis is whole words of the message.
    const kept = shown.slice(0, -1);
    expect(message.startsWith(kept)).toBe(true);
    expect(message[kept.length]).toMatch(/[\s,;:]/);
  });
});

describe('App Home', () => {
  it("shows the digest with no caption for a chart that is not there: it says /digest brings the chart (issue 13 item 6)", () => {
    const png = new Uint8Array([137, 80, 78, 71, 13, 10, 26, 10]);
    const view = homeView({
      text: 'digest',
      blocks: [
        { kind: 'heading', text: 'Weekly attendance digest: 30 Nov 2026 – 6 Dec 2026' },
        { kind: 'image', title: 'Weekly attendances per centre, last 12 weeks', alt: 'chart', png, width: 10, height: 10 },
      ],
    });
    const text = JSON.stringify(view.blocks);
    expect(view.blocks.some((b: any) => b.type === 'image')).toBe(false);
    expect(text).not.toMatch(/follows this message|in this message's thread/);
    expect(text).toContain('📊 Weekly attendances per centre, last 12 weeks: type /digest and it comes to your messages with me.');
    expect(viewProblems({ type: 'home', blocks: view.blocks })).toEqual([]);
  });
});
