import { describe, expect, it } from 'vitest';
import { Bm25Index } from '../../src/knowledge/bm25-index.js';
import { askedFacts, factKinds, holdsFacts, questionCounts, questionSubject, readSentence } from '../../src/knowledge/facts.js';
import { defaultLexicon } from '../../src/knowledge/lexicon.js';
import type { Chunk } from '../../src/knowledge/model.js';
import { assessSupport, BACKGROUND_WEIGHT, buildQuery, coverage, editDistance, questionStart, search, splitQuestion } from '../../src/knowledge/retrieval.js';
import { chunkTerms } from '../../src/knowledge/bm25-index.js';
import { foldText, tokenize } from '../../src/knowledge/tokenizer.js';
import { createConceptMatcher, DOMAIN_VOCABULARY, learnAcronyms, learnInitialisms, learnNames } from '../../src/knowledge/vocabulary.js';

function indexOf(texts: string[]): Bm25Index {
  const chunks: Chunk[] = texts.map((text, i) => ({ id: `t#${i}`, source: 't.md', title: 'T', section: `Section ${i}`, text, ordinal: i }));
  return new Bm25Index(chunks, createConceptMatcher(DOMAIN_VOCABULARY));
}

const CORPUS = [
  'Around 70% of Year 10 students completed their Life Futures Plan, compared with 20% of Year 8.',
  'The dropout rate from the programme fell to 3% this year.',
  'The Saturday Club meets at the Euston Skills Centre and is free for students in Years 9 to 11.',
  'Care-experienced young people receive £1,000 each year through the Head Start programme.',
  'Camden Learning runs termly networks for subject leaders in primary schools.',
  'The borough library holds books, maps and newspapers for residents.',
];

describe('question words the documents do not use', () => {
  const index = indexOf(CORPUS);
  const cov = (q: string, i: number) => {
    const query = buildQuery(index, q);
    return coverage(index, query, chunkTerms(index.chunks[i]!, index.matcher));
  };

  it('weighs an everyday English word little and an unknown name fully', () => {
    const lex = defaultLexicon();
    expect(lex.informativeness('finished')).toBeLessThan(0.4);
    expect(lex.informativeness('actually')).toBeLessThan(0.4);
    expect(lex.informativeness('brecknock')).toBe(1);
    expect(lex.informativeness('npqh')).toBe(1);
    expect(lex.isEnglish('saturdy')).toBe(false);
  });

  it('finds a WordNet synonym the documents use ("finished" -> "completed"), at part credit', () => {
    const query = buildQuery(index, 'how many year 10s finished their life futures plan?');
    const finished = query.terms.find((t) => t.word === 'finished')!;
    expect(finished.alternatives?.some((a) => a.terms.includes('complet') && a.credit < 1)).toBe(true);
    expect(cov('how many year 10s finished their life futures plan?', 0)).toBeGreaterThan(0.8);
  });

  it('says a shorthand or synonym phrase every way its vocabulary concept is said ("PD" -> CPD, training)', () => {
    const idx = indexOf(['Teachers rated the CPD offer highly and 97% found it useful.', 'The borough library holds books and maps.']);
    const query = buildQuery(idx, 'how is the PD offer rated?');
    const pd = query.terms.find((t) => t.word === 'pd')!;
    expect(pd.alternatives?.some((a) => a.terms.length === 1 && a.terms[0] === '§cpd' && a.credit === 1)).toBe(true);
    expect(coverage(idx, query, chunkTerms(idx.chunks[0]!, idx.matcher))).toBeGreaterThan(0.9);
    expect(search(idx, query, 1)[0]!.index).toBe(0);
  });

  it('does not read "pay" as "sick pay": a compound the documents never write, with a word they never use', () => {
    const idx = indexOf(['The school will pay for laptops for staff and pupils.', 'Science teachers meet termly in a network.']);
    expect(defaultLexicon().isCompound('sick', 'pay')).toBe(true);
    const query = buildQuery(idx, 'what is the sick pay entitlement for staff?');
    expect(query.terms.find((t) => t.word === 'pay')?.compoundWith?.word).toBe('sick');
    const sick = coverage(idx, query, chunkTerms(idx.chunks[0]!, idx.matcher));
    const plain = coverage(idx, buildQuery(idx, 'what is the pay entitlement for staff?'), chunkTerms(idx.chunks[0]!, idx.matcher));
    expect(sick).toBeLessThan(0.5);
    expect(plain).toBeGreaterThan(sick);
    // Both words known to the documents: "science teachers" stays two words.
    expect(buildQuery(idx, 'is there a network for science teachers?').terms.some((t) => t.compoundWith)).toBe(false);
  });

  it('folds hyphens and spacing: "drop-out", "drop out" and "dropout" meet', () => {
    expect(tokenize('drop-out').map((t) => t.term)).toEqual(['drop', 'out', 'dropout']);
    for (const q of ['what is the drop-out rate?', 'what is the drop out rate?', 'what is the dropout rate?']) {
      expect(cov(q, 1), q).toBeGreaterThan(0.9);
    }
  });

  it('corrects a misspelt word general English does not know against the index ("saturdy" -> "saturday")', () => {
    expect(editDistance('saturdi', 'saturdai')).toBe(1);
    expect(editDistance('ab', 'ba')).toBe(1);
    const query = buildQuery(index, 'when does the saturdy club meet');
    expect(query.terms.find((t) => t.word === 'saturdy')?.alternatives?.[0]?.terms).toEqual(['saturdai']);
    expect(search(index, query, 1)[0]!.index).toBe(2);
  });

  it('does not correct a name into an indexed word, and an unknown name still sinks the question', () => {
    const q = 'who is the SEN officer for Brecknock primary';
    const query = buildQuery(index, q);
    expect(query.terms.find((t) => t.word === 'brecknock')?.alternatives).toBeUndefined();
    expect(assessSupport(index, query, search(index, query, 3), q).supported).toBe(false);
  });

  it('folds how staff write year groups, academic years and ordinals', () => {
    expect(foldText('y11 and Yr 7 and y12s')).toBe('Year 11 and Year 7 and Year 12');
    expect(foldText("what's new in 25/26?")).toBe("what's new in 2025/26?");
    expect(foldText('Years 10/11')).toBe('Years 10/11');
    expect(foldText('the 6th form')).toBe('the sixth form');
  });

  it('treats a stop word by its lemma as a stop word ("went" -> "go")', () => {
    expect(tokenize('who went').every((t) => t.stop)).toBe(true);
    expect(tokenize('whats').every((t) => t.stop)).toBe(true);
  });
});

describe('the asked-for thing', () => {
  it('reads what a question asks for', () => {
    expect([...askedFacts('how many kids were screened')]).toEqual(['number']);
    expect([...askedFacts('what % of pupils are eligible for FSM?')]).toEqual(['percent']);
    expect([...askedFacts('how much did the pilot cost to run')]).toEqual(['money']);
    expect([...askedFacts("when's the next network meeting")]).toEqual(['time']);
    expect([...askedFacts('when does the club run?')]).toEqual(['schedule']);
    expect([...askedFacts('who is the case officer? need their email')].sort()).toEqual(['contact', 'person']);
    expect([...askedFacts('When is education at its best?')]).toEqual([]);
    expect([...askedFacts('what is Camden Career Club?')]).toEqual([]);
  });

  it('finds figures, shares, money, dates, days and contacts in sentences, not digits inside names', () => {
    expect(factKinds('A post-16 route at KS4 for students at risk of exclusion.').has('number')).toBe(false);
    expect(factKinds('Over 1,700 Camden children were screened.').has('number')).toBe(true);
    expect(factKinds('41% of participants were eligible for Free School Meals.').has('percent')).toBe(true);
    expect(factKinds('Camden invested £1.3m in the redesign.').has('money')).toBe(true);
    expect(factKinds('It opened in April 2025.').has('time')).toBe(true);
    expect(factKinds('The club meets on Saturdays.').has('period')).toBe(true);
    expect(factKinds('Email jo.bloggs@camden.gov.uk for details.').has('contact')).toBe(true);
    expect(factKinds('The network is led by middle leaders from Camden schools.').has('person')).toBe(true);
  });

  it('reads what a figure counts: the nouns after it, or after "of" for a share', () => {
    expect(readSentence('The programme prioritised inclusion, with 41% of participants eligible for Free School Meals.').figures).toEqual([{ kind: 'percent', nouns: ['participants'] }]);
    expect(readSentence('That included 12 Haverstock School students completing placements.').figures[0]!.nouns.at(-1)).toBe('students');
    expect(readSentence('757 adult students were taught in Family Learning.').figures[0]!.nouns).toContain('adult');
    // The "25" of "2024–25" is part of the year, not a figure; a share with no noun after it has none.
    expect(readSentence('In 2024–25, attendance rose to 94%.').figures).toEqual([{ kind: 'percent', nouns: [] }]);
  });

  it('reads what a "how many / what share" question counts, and whether it means all of them', () => {
    expect(questionCounts('how many permanent exclusions were there in camden secondaries last year')).toEqual({ noun: 'exclusions', all: false });
    expect(questionCounts('what % of all camden pupils are eligible for FSM?')).toEqual({ noun: 'pupils', all: true });
    expect(questionCounts('how many were there?')).toBeUndefined();
  });

  it('reads the subject of a "when / how much" question, not its verb', () => {
    expect(questionSubject('What year does the strategy end?')).toBe('strategy');
    expect(questionSubject('how much does a Camden Pathways Programme placement cost?')).toBe('placement');
    expect(questionSubject('when does the Saturday Club run?')).toBe('club');
    expect(questionSubject('when does it run?')).toBeUndefined();
  });

  it('keeps the words of a date expression apart ("the end of 2019")', () => {
    expect([...readSentence('At the end of 2019, the Council invested in services.').dateWords]).toEqual(expect.arrayContaining(['end', '2019']));
  });

  it('a sentence on the topic without the asked-for thing does not answer', () => {
    expect(holdsFacts(askedFacts('how much did the pilot cost?'), 'The pilot focused on careers enrichment for Years 9–11.')).toBe(false);
    expect(holdsFacts(askedFacts('how much does the course cost?'), 'The course is free for parents.')).toBe(true);
    expect(holdsFacts(askedFacts('when are the school holidays?'), 'Centres open in the evenings, at weekends and in the holidays.')).toBe(false);
    expect(holdsFacts(askedFacts('when does the club run?'), 'The club runs on Saturdays.')).toBe(true);
  });
});

describe('vocabulary learnt from the documents', () => {
  it('learns mixed-case acronyms whose name leaves words out ("Trauma-Informed Practice (TIPiC)")', () => {
    const groups = learnAcronyms(['Camden runs Trauma-Informed Practice (TIPiC) training, and Rights-Respecting Schools (RRS) work.']);
    expect(groups['acr-tipic']).toEqual(['TIPiC', 'Trauma-Informed Practice']);
    expect(groups['acr-rrs']).toEqual(['RRS', 'Rights-Respecting Schools']);
  });

  it('reads a short form the documents never define as the initials of a name they use often ("CL")', () => {
    const texts = ['Camden Learning runs networks.', 'Camden Learning offers NPQs.', 'Schools join Camden Learning.'];
    const initialisms = learnInitialisms(texts);
    expect(initialisms.get('cl')).toEqual(['camden', 'learn']);
    const index = new Bm25Index(
      texts.map((text, i) => ({ id: `t#${i}`, source: 't.md', title: 'T', section: 'S', text, ordinal: i })),
      createConceptMatcher(DOMAIN_VOCABULARY, initialisms),
    );
    expect(buildQuery(index, 'does CL offer NPQs?').terms.find((t) => t.word === 'cl')?.alternatives?.[0]?.terms).toEqual(['camden', 'learn']);
  });

  it('learns names: words always written with a capital inside sentences', () => {
    const names = learnNames(['Pupils at Maria Fidelis and Haverstock School took part.', 'The school at Haverstock is new.']);
    expect(names.has('fide')).toBe(true);
    expect(names.has('haverstock')).toBe(true);
    expect(names.has('school')).toBe(false);
  });

  it('meets "A level" and "A-level"', () => {
    const index = indexOf(['The board judged rationalisation of A-level courses impractical.', 'Level 2 results rose across the borough.']);
    const query = buildQuery(index, 'did the A level plan go ahead?');
    expect(query.terms.find((t) => t.term === 'alevel')?.coverageWeight).toBe(1);
    expect(search(index, query, 1)[0]!.index).toBe(0);
  });

  it('a "how do I / can I" question needs a step or a contact', () => {
    expect([...askedFacts('how do I book a room at the campus')]).toEqual(['procedure']);
    expect(holdsFacts(askedFacts('how do I book a room?'), 'The campus is a hub for teachers.')).toBe(false);
    expect(holdsFacts(askedFacts('how do I book a room?'), 'To book a room, email rooms@camden.gov.uk.')).toBe(true);
  });
});

describe('two-part questions', () => {
  it('splits at a second question, not inside one', () => {
    expect(splitQuestion('who backed it? and is there a group for schools')).toEqual(['who backed it', 'is there a group for schools']);
    expect(splitQuestion('is it free and how often does it run?')).toEqual(['is it free', 'how often does it run?']);
    expect(splitQuestion('what are the aims and objectives of the strategy?')).toEqual(['what are the aims and objectives of the strategy?']);
  });
});

describe("the asker's account of themselves", () => {
  it('finds where the question proper starts after a first-person account', () => {
    const at = (q: string) => (questionStart(q) < 0 ? '' : q.slice(questionStart(q)));
    expect(at("I'm a new SENCO at a primary — is there a borough toolkit?")).toBe('is there a borough toolkit?');
    expect(at('I teach A level chemistry, is there a network for KS5 science teachers?')).toBe('is there a network for KS5 science teachers?');
    expect(at('my tutee is lost and her mum asked me - is there a website for options?')).toBe('is there a website for options?');
    // A topic named first is what is asked about, not an account.
    expect(at('google apprenticeship info session — how many went?')).toBe('');
    expect(at('how many officers are there, how often do they visit')).toBe('');
  });

  it('weighs the account half, so scene-setting words the documents lack do not sink the question', () => {
    const index = indexOf(CORPUS);
    const q = "I've just become art lead with zero experience of leading — is there a network for subject leaders in primary schools?";
    const query = buildQuery(index, q);
    const art = query.terms.find((t) => t.word === 'art')!;
    const network = query.terms.find((t) => t.word === 'network')!;
    expect(art.background).toBe(true);
    expect(art.coverageWeight).toBe(BACKGROUND_WEIGHT);
    expect(network.background).toBeUndefined();
    expect(network.coverageWeight).toBe(1);
    const withAccount = coverage(index, query, chunkTerms(index.chunks[4]!, index.matcher));
    const asOne = coverage(index, buildQuery(index, q.replace(' — ', ' and ')), chunkTerms(index.chunks[4]!, index.matcher));
    expect(withAccount).toBeGreaterThan(asOne);
    expect(withAccount).toBeGreaterThanOrEqual(0.5);
  });

  it('keeps the account when the question points back at it', () => {
    const index = indexOf(CORPUS);
    const query = buildQuery(index, "some of our TAs think dropout is rising, what's camden's line on this?");
    expect(query.terms.some((t) => t.background)).toBe(false);
  });
});
