import { beforeAll, describe, expect, it } from 'vitest';
import type { KnowledgeBase } from '../../src/knowledge/knowledge-base.js';
import { corpusKb } from './helpers.js';

let kb: KnowledgeBase;
beforeAll(async () => {
  kb = await corpusKb();
});

const first = (q: string, context?: string) => kb.search(q, 3, context)[0]!.chunk;

describe('ranking on the real corpus', () => {
  it.each([
    ['What is the NPQSL pass rate?', 'Goal 6:'],
    ['How is school attendance being improved?', 'Goal 11:'],
    ['What is Climate Connectors?', 'Goal 20:'],
    ['How did the Life Futures Plan pilot go?', 'Goal 19:'],
    ['What happened with T Levels?', 'Goal 16:'],
    ['What is the Camden School Report?', 'Goal 14:'],
    ['How many adults studied in Family Learning in 2024/25?', 'Goal 3:'],
  ])('%s -> %s', (question, section) => {
    expect(first(question).section.startsWith(section)).toBe(true);
  });

  it('puts the Opportunity Centre passage about Google in the top two', () => {
    const top = kb.search('Which Opportunity Centre was set up with Google?', 2);
    const oc = top.find((r) => r.chunk.section.startsWith('Goal 13:'));
    expect(oc?.chunk.text).toContain('developed in partnership with Google');
  });

  it('finds the thinkpiece for a question about the 2020 thinkpiece', () => {
    const top = kb.search('What were the five building blocks proposed in the 2020 thinkpiece?', 3);
    expect(top[0]!.chunk.source).toBe('coming-back-stronger-thinkpiece-2020.txt');
  });

  it('"took part" finds a passage that says "participating"', async () => {
    const a = await kb.answer('How many primary schools took part in STEAM activities?');
    expect(a.answer.split('[1]')[0]).toContain('36 of 38 schools participating');
  });

  it('matches through the domain vocabulary: "special educational needs" finds passages that only say SEND', () => {
    const top = kb.search('special educational needs capital works', 3);
    expect(top[0]!.chunk.text).toContain('£4.7m invested in SEND capital works');
    expect(top[0]!.chunk.text).not.toMatch(/special educational needs/i);
  });

  it('matches through the domain vocabulary: sixth form -> post-16, CPD -> professional development, ECT -> early career', () => {
    expect(first('sixth form partnership board').section).toMatch(/post-16/i);
    const cpd = kb.search('What CPD is there for middle leaders?', 3).map((r) => r.chunk.text);
    expect(cpd.some((t) => /Professional Development offer/.test(t) && !/\bCPD\b/.test(t))).toBe(true);
    expect(first('ECT support').text).toMatch(/Early Career/);
  });

  it('matches acronyms the documents define: RRS is Rights-Respecting Schools', () => {
    const top = kb.search('How many schools registered for RRS?', 1)[0]!;
    expect(top.chunk.text).toContain('Rights-Respecting Schools');
  });

  it('uses the earlier question in the thread to rank a follow-up', () => {
    const alone = first('How many pupils did it support?');
    const followUp = first('How many pupils did it support?', 'What is the Inspiring Inclusion programme?');
    expect(followUp.text).toContain('Inspiring Inclusion');
    expect(alone.text).not.toBe(followUp.text);
  });
});
