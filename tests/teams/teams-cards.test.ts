import { activityProblems } from '../helpers/adaptive-card-rules.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { escapeMarkdown } from '../../adapters/teams/cards/markdown.js';
import { MAX_CARD_CHARS, renderReplyCard, replyToActivity } from '../../adapters/teams/cards/reply-card.js';
import { renderPng, COLOR_SVG } from '../../scripts/teams-icons.js';
import type { Reply } from '../../src/shared/reply.js';
import { reminderReply } from '../../jobs/reminder-reply.js';

/** Text rich in Markdown triggers, across several lines. */
const markdownish = fc
  .array(
    fc.oneof(
      fc.constantFrom('\n', '\r\n', '- ', '+ ', '1. ', '2) ', '# ', '> ', '*', '_', '`', '[', '](', ')', '{{', '}}', '&amp;', '&#35;', '\\', '<b>', '|', '~~'),
      fc.string({ unit: 'grapheme-ascii', maxLength: 8 }),
    ),
    { maxLength: 40 },
  )
  .map((parts) => parts.join(''));

/** What a CommonMark renderer shows for escaped text: backslash escapes and our zero-width breaks removed. */
const shown = (s: string) => s.replace(/\\([!-/:-@[-`{-~])/g, '$1').replace(/\u200b/g, '');

describe('escapeMarkdown', () => {
  it.each([
    ['*bold* and _it_', '\\*bold\\* and \\_it\\_'],
    ['[click](https://evil.example)', '\\[click\\](https://evil.example)'],
    ['- not a list', '\\- not a list'],
    ['12. not a numbered item', '12\\. not a numbered item'],
    ['# not a heading', '\\# not a heading'],
    ['> not a quote', '\\> not a quote'],
    ['<b>raw html</b>', '\\<b\\>raw html\\</b\\>'],
    ['AT&amp;T', 'AT\\&amp;T'],
    ['{{DATE(2026-01-01T00:00:00Z, SHORT)}}', '{\u200b{DATE(2026-01-01T00:00:00Z, SHORT)}\u200b}'],
    ['back\\slash', 'back\\\\slash'],
  ])('%s', (input, expected) => {
    expect(escapeMarkdown(input)).toBe(expected);
  });

  it('always shows exactly the original text', () => {
    fc.assert(
      fc.property(markdownish, (s) => {
        const normalised = s.replace(/\r\n?/g, '\n');
        expect(shown(escapeMarkdown(s))).toBe(normalised);
      }),
      { numRuns: 500 },
    );
  });

  it('leaves no markup-starting character unescaped', () => {
    fc.assert(
      fc.property(markdownish, (s) => {
        const out = escapeMarkdown(s);
        expect(out).not.toMatch(/(^|[^\\])(\\\\)*[*_`[\]<>~|]/);
      }),
      { numRuns: 500 },
    );
  });
});

describe('Reply -> Teams activity', () => {
  it('one notice goes out as plain text; structure goes out as a card', () => {
    expect(replyToActivity({ text: 'Thanks', blocks: [{ kind: 'notice', tone: 'success', text: 'Thanks' }] })).toEqual({
      type: 'message',
      text: 'Thanks',
      textFormat: 'plain',
    });
    const act = replyToActivity({
      text: 'Status',
      blocks: [
        { kind: 'heading', text: 'Status' },
        { kind: 'table', columns: ['Centre', 'Week'], rows: [['Acland Burghley', 'in']] },
      ],
    });
    const card = act.attachments![0]!.content;
    const facts = card.body.find((e: any) => e.type === 'FactSet');
    expect(facts.facts).toEqual([{ title: 'Acland Burghley', value: 'in' }]);
  });

  it('tables read at phone width: a row per block, its first cell the title, the others facts (no Table element)', () => {
    const card = renderReplyCard({
      text: 'Status',
      blocks: [
        {
          kind: 'table',
          columns: ['Centre', 'Week of', 'Status', 'Sessions'],
          rows: [
            ['Acland Burghley Opportunity Centre', '2026-11-16', 'in', '6'],
            ['La Sainte Union Opportunity Centre', '2026-11-16', 'missing', ''],
          ],
        },
      ],
    });
    expect(JSON.stringify(card)).not.toContain('"Table"');
    const rows = card.body.filter((e: any) => e.type === 'Container');
    expect(rows).toHaveLength(2);
    expect((rows[0] as any).items[0]).toMatchObject({ type: 'TextBlock', text: 'Acland Burghley Opportunity Centre', wrap: true, weight: 'Bolder' });
    // An empty cell is left out rather than shown as "Sessions: -".
    expect((rows[1] as any).items[1].facts).toEqual([
      { title: 'Week of', value: '2026-11-16' },
      { title: 'Status', value: 'missing' },
    ]);
    expect((rows[1] as any).separator).toBe(true);
  });

  it("a reminder's buttons stay above the text that follows them ('Or type it in one go'), as in Slack; buttons that end a reply are the card's actions", () => {
    const reminder = reminderReply({
      kind: 'reminder',
      person: { id: 1, name: 'Sam Okafor', email: 'sam@example.org', roles: ['oc_lead'], centres: ['acland-burghley'] },
      centres: [{ id: 'acland-burghley', name: 'Acland Burghley Opportunity Centre' }],
      week: '2026-11-30',
      platform: 'teams',
      dueUntil: 'Friday 11 Dec, 14:00',
    });
    const card = renderReplyCard(reminder);
    const order = card.body.map((e: any) => (e.type === 'ActionSet' ? `[${e.actions.map((a: any) => a.title).join('|')}]` : String(e.text).slice(0, 20)));
    expect(order.findIndex((t: string) => t.startsWith('[Submit return|No sessions this week]'))).toBeLessThan(order.findIndex((t: string) => t.startsWith('Or type it in one go')));
    expect(order.findIndex((t: string) => t.startsWith('['))).toBeGreaterThan(order.findIndex((t: string) => t.startsWith('Hi Sam')));
    expect(card.actions).toBeUndefined();
    const act = replyToActivity(reminder);
    expect(activityProblems(act, JSON.stringify(act).length)).toEqual({ tooLarge: false, problems: [] });
    const answer = renderReplyCard({ text: 'a', blocks: [{ kind: 'paragraph', text: 'An answer.' }, { kind: 'actions', actions: [{ id: 'feedback_helpful', label: 'Helpful', value: '1' }] }] });
    expect(answer.actions!.map((a: any) => a.title)).toEqual(['👍 Helpful']);
  });

  it('includes a chart while the card stays under the Teams size limit, and leaves a note otherwise', () => {
    const small = renderPng(COLOR_SVG, 64);
    const big = new Uint8Array(40_000).fill(7);
    const reply = (png: Uint8Array): Reply => ({
      text: 'Digest',
      blocks: [
        { kind: 'heading', text: 'Weekly digest' },
        { kind: 'image', title: 'Attendances by week', alt: 'Bar chart', png, width: 960, height: 480 },
      ],
    });
    // The chart goes as a picture after the card, which Teams opens full size when tapped (stage view cannot open a
    // base64 image inside a card); the card says where it is.
    const withSmall = replyToActivity(reply(small));
    expect(withSmall.attachments).toHaveLength(2);
    expect(withSmall.attachments![1]).toMatchObject({ contentType: 'image/png', contentUrl: expect.stringMatching(/^data:image\/png;base64,/), name: 'Attendances-by-week.png' });
    expect(JSON.stringify(withSmall.attachments![0])).toContain('tap it to open it full size');
    expect(activityProblems(withSmall, JSON.stringify(withSmall).length)).toEqual({ tooLarge: false, problems: [] });
    const withBig = replyToActivity(reply(big));
    expect(withBig.attachments).toHaveLength(1);
    expect(JSON.stringify(withBig)).toContain('chart not shown here');
    expect(JSON.stringify(withBig).length).toBeLessThan(MAX_CARD_CHARS);
  });

  it('numbers sources and puts feedback buttons with the answer id on the card', () => {
    const card = renderReplyCard({
      text: 'Answer',
      blocks: [
        { kind: 'paragraph', text: 'Answer' },
        { kind: 'sources', citations: [
          { source: 'a.pdf', title: 'Doc A', section: 'Part 1', excerpt: 'first' },
          { source: 'b.pdf', title: 'Doc B', section: '', excerpt: 'second' },
        ] },
        { kind: 'actions', actions: [
          { id: 'feedback_helpful', label: 'Helpful', value: 'ans-1' },
          { id: 'feedback_not_helpful', label: 'Not helpful', value: 'ans-1' },
        ] },
      ],
    });
    const json = JSON.stringify(card);
    expect(json).toContain('**1.** Doc A — Part 1');
    expect(json).toContain('**2.** Doc B');
    expect(card.actions).toEqual([
      { type: 'Action.Submit', title: '👍 Helpful', data: { verb: 'feedback_helpful', value: 'ans-1' } },
      { type: 'Action.Submit', title: '👎 Not helpful', data: { verb: 'feedback_not_helpful', value: 'ans-1' } },
    ]);
  });
});
