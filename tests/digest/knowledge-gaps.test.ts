import { describe, expect, it } from 'vitest';
import { buildDigest } from '../../src/digest/build-digest.js';
import { groupKnowledgeGaps, isRealQuestion, oneLine, topicOf, type GapEntry } from '../../src/digest/knowledge-gaps.js';
import { renderDigest } from '../../src/digest/render-digest.js';
import { centre, stored } from './fixtures.js';

const declined = (question: string): GapEntry => ({ question, why: 'declined' });

describe('knowledge gaps in the digest', () => {
  it('count real questions only: not commands, greetings, thanks or stray words', () => {
    for (const t of ['thanks!', 'status', 'attendance status', 'hi', 'ok 👍', 'digest please']) expect(isRealQuestion(t), t).toBe(false);
    for (const t of ['What is the SEND transport policy?', 'EHCP deadlines?', 'who runs cpd for ECTs']) expect(isRealQuestion(t), t).toBe(true);
  });

  it('group near-identical questions (case, punctuation, word order, a plural), newest wording shown, most asked first', () => {
    const gaps = groupKnowledgeGaps([
      declined('What is the SEND transport policy?'),
      declined('what is the send transport policy'),
      declined('SEND transport policy - what is it?'),
      declined('Who funds T-levels?'),
      { question: 'who funds t levels??', why: 'not_helpful' },
      declined('thanks!'),
      declined('Is there a CPD course on restorative practice for teaching assistants?'),
    ]);
    expect(gaps.total).toBe(6);
    expect(gaps.groups.map((g) => [g.count, g.question, g.topic])).toEqual([
      [3, 'What is the SEND transport policy?', 'SEND'],
      [2, 'Who funds T-levels?', 'Post-16 pathways'],
      [1, 'Is there a CPD course on restorative practice for teaching assistants?', 'CPD'],
    ]);
    expect(gaps.topics).toEqual([
      { topic: 'SEND', count: 3 },
      { topic: 'Post-16 pathways', count: 2 },
      { topic: 'CPD', count: 1 },
    ]);
  });

  it('give each question a topic without mistaking the verb "send" for SEND', () => {
    expect(topicOf('How do I send my return?')).toBe('Other');
    expect(topicOf('support for autistic pupils in year 7')).toBe('SEND');
    expect(topicOf('what post 16 options are there for my tutee')).toBe('Post-16 pathways');
    expect(topicOf('When is the next INSET day?')).toBe('CPD');
    expect(topicOf('Which Opportunity Centre runs on Saturdays?')).toBe('Opportunity Centres');
  });

  it('cut each to one line at a word', () => {
    const long = `Can you tell me ${'about the new arrangements for '.repeat(6)}pupils\nwith a second line`;
    const line = oneLine(long);
    expect(line.length).toBeLessThanOrEqual(100);
    expect(line).not.toContain('\n');
    expect(line.endsWith('…')).toBe(true);
    expect(long.replace(/\s+/g, ' ')).toContain(line.slice(0, -1));
    expect(/\S…$/.test(line) && / $/.test(line.slice(0, -1))).toBe(false);
  });

  it('a channel digest lists no question text, only counts by topic; a network lead\'s own digest lists them, one line each', () => {
    const gaps = groupKnowledgeGaps([declined('Is Amira Khan in 9B eligible for the SEND transport?'), declined('who funds t-levels?')]);
    const model = buildDigest({
      weekStart: '2026-11-16',
      centres: [centre('acland-burghley', 'Acland Burghley')],
      returns: [stored('acland-burghley', '2026-11-16', { sessions: 1, academic: 1, attendances: 3, pupils: 3 })],
      missing: [],
      knowledgeGaps: gaps.groups,
      gapTopics: gaps.topics,
      gapTotal: gaps.total,
      timeZone: 'Europe/London',
    });
    const channel = JSON.stringify(renderDigest(model, { audience: 'channel', chart: false }));
    expect(channel).not.toMatch(/Amira|t-levels/i);
    expect(channel).toContain('Questions the bot could not answer this week: 2 questions (SEND 1, Post-16 pathways 1).');
    const lead = renderDigest(model, { audience: 'person', chart: false });
    const text = lead.blocks.map((b) => ('text' in b ? b.text : '')).join('\n');
    expect(text).toContain('Is Amira Khan in 9B eligible for the SEND transport?\nwho funds t-levels?');
  });
});

describe('digest for a week with no returns, and closed centres', () => {
  it('says "No returns yet" instead of an empty grid, and draws no empty chart', () => {
    const missing = [{ centreId: 'acland-burghley', centreName: 'Acland Burghley', paused: false }];
    const model = buildDigest({ weekStart: '2026-11-16', centres: [centre('acland-burghley', 'Acland Burghley')], returns: [], missing, knowledgeGaps: [], timeZone: 'Europe/London' });
    const reply = renderDigest(model, { audience: 'channel' });
    expect(reply.blocks.some((b) => b.kind === 'table')).toBe(false);
    expect(reply.blocks).toContainEqual({ kind: 'notice', tone: 'info', text: 'No returns yet for this week.' });
    expect(reply.blocks.some((b) => b.kind === 'image')).toBe(false);
  });

  it('shows a closed centre as closed, not missing, and leaves its zeros out of totals, averages and the chart', () => {
    const W = '2026-11-16';
    const model = buildDigest({
      weekStart: W,
      centres: [centre('acland-burghley', 'Acland Burghley'), centre('la-sainte-union', 'La Sainte Union')],
      returns: [
        stored('acland-burghley', W, {}, { closed: true }),
        stored('acland-burghley', '2026-11-09', { sessions: 5, academic: 5, attendances: 100, pupils: 40 }),
        stored('la-sainte-union', W, { sessions: 2, academic: 2, attendances: 30, pupils: 10 }),
      ],
      // A closed week is a return: missingReturns does not list the centre.
      missing: [],
      knowledgeGaps: [],
      timeZone: 'Europe/London',
    });
    expect(model.missing).toEqual([]);
    expect(model.network.returns).toBe(1);
    expect(model.closed).toEqual([{ centreId: 'acland-burghley', centreName: 'Acland Burghley' }]);
    expect(model.chartSeries.find((s) => s.label === 'Acland Burghley')!.values.slice(-2)).toEqual([100, null]);
    const reply = renderDigest(model, { chart: false });
    const table = reply.blocks.find((b) => b.kind === 'table');
    expect(table?.kind === 'table' && table.rows[0]).toEqual(['Acland Burghley', 'closed', '–', '–', '–', '–', '–', '–', '–']);
    expect(JSON.stringify(reply)).toContain('Closed this week (no sessions, marked by the centre): Acland Burghley.');
  });
});
