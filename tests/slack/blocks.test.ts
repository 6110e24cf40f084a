import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { escapeMrkdwn, splitText } from '../../adapters/slack/blocks/escape.js';
import { renderBlocks, toMessages, SECTION_MAX, MESSAGE_BLOCKS_MAX } from '../../adapters/slack/blocks/render-reply.js';
import { attendanceModal } from '../../adapters/slack/blocks/attendance-modal.js';
import { FIGURE_FIELDS, FIGURE_LABELS } from '../../src/attendance/types.js';
import type { Reply } from '../../src/bot/reply.js';

const textsOf = (blocks: any[]): string[] =>
  blocks.flatMap((b) => [b.text?.text, ...(b.fields ?? []).map((f: any) => f.text), ...(b.elements ?? []).map((e: any) => e.text?.text ?? e.text)]).filter(Boolean);

describe('Slack Block Kit rendering', () => {
  it('escapes &, < and > so notes and excerpts cannot form mentions or links', () => {
    const reply: Reply = {
      text: 'x',
      blocks: [
        { kind: 'paragraph', text: 'Hi <!here> <@U123> <http://evil.example|click> & more' },
        { kind: 'fields', fields: [{ label: 'Note <!channel>', value: '<https://x.example>' }] },
        { kind: 'sources', citations: [{ source: 'a<b>.pdf', title: 'T & C', section: '<!everyone>', excerpt: 'see <http://x|y>' }] },
      ],
    };
    const all = textsOf(renderBlocks(reply)).join('\n');
    expect(all).not.toMatch(/<[!@#h]/);
    expect(all).toContain('&lt;!here&gt;');
    expect(all).toContain('T &amp; C');
    for (const b of renderBlocks(reply) as any[]) {
      for (const t of [b.text, ...(b.fields ?? []), ...(b.elements ?? [])]) if (t?.type === 'mrkdwn') expect(t.verbatim).toBe(true);
    }
  });

  it('escaping never leaves a raw angle bracket (property)', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 500 }), (s) => {
        const e = escapeMrkdwn(s);
        expect(e).not.toMatch(/[<>]/);
        expect(e.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&')).toBe(s);
      }),
    );
  });

  it('splits long answers to 3000-character sections and 50-block messages', () => {
    const long = Array.from({ length: 4000 }, (_, i) => `Sentence ${i} about post-16 pathways & <things>.`).join(' ');
    const blocks = renderBlocks({ text: long, blocks: [{ kind: 'paragraph', text: long }] }) as any[];
    expect(blocks.length).toBeGreaterThan(MESSAGE_BLOCKS_MAX);
    for (const b of blocks) expect(b.text.text.length).toBeLessThanOrEqual(SECTION_MAX);
    const rejoined = blocks.map((b) => b.text.text).join(' ').replace(/\s+/g, ' ');
    expect(rejoined).toBe(escapeMrkdwn(long).replace(/\s+/g, ' '));
    const messages = toMessages({ text: long, blocks: [{ kind: 'paragraph', text: long }] });
    expect(messages.length).toBeGreaterThan(1);
    for (const m of messages) expect(m.blocks.length).toBeLessThanOrEqual(MESSAGE_BLOCKS_MAX);
    expect(messages.flatMap((m) => m.blocks)).toHaveLength(blocks.length);
  });

  it('splitText never cuts an entity and keeps every character', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 3000 }), fc.integer({ min: 20, max: 400 }), (s, max) => {
        const e = escapeMrkdwn(s);
        const pieces = splitText(e, max);
        for (const p of pieces) {
          expect(p.length).toBeLessThanOrEqual(max);
          expect(p).not.toMatch(/&(a|am|l|g|lt|gt|amp)?$/);
        }
        expect(pieces.join('').replace(/\s/g, '')).toBe(e.replace(/\s/g, ''));
      }),
      { numRuns: 200 },
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
    expect(blocks[1].elements[0].text).toContain('*[1]* Education Strategy — Goal 13 (strategy.pdf)');
    expect(blocks[2]).toMatchObject({ type: 'actions', elements: [{ type: 'button', action_id: 'feedback_helpful', value: 'abc' }] });
  });
});

describe('attendance modal', () => {
  it('has a centre picker limited to the given centres, a week picker with the default, and every figure', () => {
    const view = attendanceModal({
      centres: [{ id: 'acland-burghley', name: 'Acland Burghley' }],
      defaultWeek: '2026-11-16',
      fields: FIGURE_FIELDS.map((field) => ({ field, label: FIGURE_LABELS[field] })),
    }) as any;
    const ids = view.blocks.map((b: any) => b.block_id);
    expect(ids).toEqual(['centre', 'week', ...FIGURE_FIELDS, 'note']);
    expect(view.blocks[0].element.options.map((o: any) => o.value)).toEqual(['acland-burghley']);
    expect(view.blocks[0].element.initial_option.value).toBe('acland-burghley');
    expect(view.blocks[1].element).toMatchObject({ type: 'datepicker', initial_date: '2026-11-16' });
    expect(view.blocks.find((b: any) => b.block_id === 'note').optional).toBe(true);
  });

  it('preselects the centre a reminder names, and none when a lead of several centres opens it plainly', () => {
    const fields = FIGURE_FIELDS.map((field) => ({ field, label: FIGURE_LABELS[field] }));
    const centres = [
      { id: 'camden-career-club', name: 'Camden Career Club' },
      { id: 'london-ai-campus', name: 'London AI Campus' },
    ];
    const preset = attendanceModal({ centres, defaultWeek: '2026-11-09', initialCentre: 'london-ai-campus', fields }) as any;
    expect(preset.blocks[0].element.initial_option.value).toBe('london-ai-campus');
    expect(preset.blocks[1].element.initial_date).toBe('2026-11-09');
    const plain = attendanceModal({ centres, defaultWeek: '2026-11-16', fields }) as any;
    expect(plain.blocks[0].element.initial_option).toBeUndefined();
  });
});
