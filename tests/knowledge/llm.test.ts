import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { createKnowledgeBase } from '../../src/knowledge/index.js';
import { KnowledgeBase } from '../../src/knowledge/knowledge-base.js';
import { checkModelReply, stripUnknownUrls } from '../../src/knowledge/llm-answerer.js';
import { tempDir } from './helpers.js';

/** A local OpenAI-compatible server: records requests, answers with whatever the test queues. */
interface FakeReply {
  status: number;
  content?: string;
  /** Answer only after this long (a model that is too slow). */
  delayMs?: number;
}
const requests: { path: string; auth?: string; body: any }[] = [];
let replies: FakeReply[] = [];
let server: Server;
let baseURL: string;

const logs: { level: number; msg: string }[] = [];
const logger = pino({ level: 'debug' }, { write: (line: string) => void logs.push(JSON.parse(line)) });

let dir: string;
let cleanup: () => Promise<void>;

const LOCAL_OFFER = `# SEND Handbook

## Local Offer

The Local Offer website at https://www.camden.gov.uk/local-offer lists every SEND service in the borough. Families can search it by age and need.

## SENDIASS

SENDIASS gives free, impartial advice to parents of children with special educational needs. Call the helpline on weekdays between 9am and 5pm.

## Annual reviews

Every Education, Health and Care Plan is reviewed once a year with the family, the school and the SEN Case Officer.
`;

function body(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let s = '';
    req.on('data', (c: Buffer) => (s += c.toString()));
    req.on('end', () => resolve(s));
    req.on('error', reject);
  });
}

beforeAll(async () => {
  ({ dir, cleanup } = await tempDir());
  await writeFile(join(dir, 'send-handbook.md'), LOCAL_OFFER);
  server = createServer(async (req, res) => {
    const raw = await body(req);
    requests.push({ path: req.url ?? '', auth: req.headers.authorization, body: raw ? JSON.parse(raw) : undefined });
    const reply = replies.shift() ?? { status: 500 };
    if (reply.delayMs) await new Promise((r) => setTimeout(r, reply.delayMs));
    if (res.socket?.destroyed ?? true) return;
    res.setHeader('content-type', 'application/json');
    if (reply.status !== 200) {
      res.statusCode = reply.status;
      res.end(JSON.stringify({ error: { message: 'fake upstream failure', type: 'server_error' } }));
      return;
    }
    res.end(
      JSON.stringify({
        id: 'chatcmpl-test',
        object: 'chat.completion',
        created: Math.floor(Date.now() / 1000),
        model: 'fake',
        choices: [{ index: 0, message: { role: 'assistant', content: reply.content }, finish_reason: 'stop' }],
        usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
      }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseURL = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await cleanup();
});

beforeEach(() => {
  requests.length = 0;
  replies = [];
  logs.length = 0;
});

async function llmKb(timeoutMs?: number): Promise<KnowledgeBase> {
  const kb = new KnowledgeBase({ dir, logger, llm: { apiKey: 'sk-test', baseURL, model: 'camden-test-model', maxRetries: 0, ...(timeoutMs ? { timeoutMs } : {}) } });
  await kb.reload();
  return kb;
}

describe('answers written by a model (real openai client, fake server on 127.0.0.1)', () => {
  it('sends the numbered passages and the prompt settings, and honours OPENAI_BASE_URL and OPENAI_MODEL', async () => {
    const config = loadConfig({ KNOWLEDGE_DIR: dir, OPENAI_API_KEY: 'sk-config', OPENAI_BASE_URL: baseURL, OPENAI_MODEL: 'camden-config-model' });
    const kb = await createKnowledgeBase(config, logger);
    replies.push({ status: 200, content: 'SENDIASS gives free, impartial advice to parents [1].' });
    const a = await kb.answer('Who gives parents of children with SEND impartial advice?');
    expect(a).toMatchObject({ answered: true, answer: 'SENDIASS gives free, impartial advice to parents [1].' });
    expect(a.citations).toHaveLength(1);
    expect(a.citations[0]).toMatchObject({ source: 'send-handbook.md', title: 'SEND Handbook', section: 'SENDIASS' });
    expect(a.citations[0]!.excerpt).toContain('impartial advice');

    expect(requests).toHaveLength(1);
    const req = requests[0]!;
    expect(req.path).toBe('/v1/chat/completions');
    expect(req.auth).toBe('Bearer sk-config');
    expect(req.body.model).toBe('camden-config-model');
    expect(req.body.temperature).toBe(0);
    expect(req.body.max_tokens).toBe(450);
    const [system, user] = req.body.messages;
    expect(system.role).toBe('system');
    expect(system.content).toContain('Answer only from the passages');
    expect(system.content).toMatch(/\[1\] \(SEND Handbook — SENDIASS\)\nSENDIASS gives free/);
    expect(system.content).toContain('NOT_IN_DOCUMENTS');
    expect(system.content).not.toContain('{{$');
    expect(user).toEqual({ role: 'user', content: 'Who gives parents of children with SEND impartial advice?' });
  });

  it('drops citation numbers that name no passage, renumbers the rest, and strips URLs not in the passages', async () => {
    const kb = await llmKb();
    replies.push({
      status: 200,
      content:
        'The Local Offer at https://www.camden.gov.uk/local-offer lists SEND services [2]. ' +
        'Parents can also call SENDIASS [1][9]. More at https://evil.example.com/phish and [this page](http://bad.example/x) [1]. ' +
        'SENDIASS also runs a Saturday clinic [14].',
    });
    const a = await kb.answer('Which website lists SEND services in the Local Offer?');
    expect(a.answered).toBe(true);
    expect(a.answer).toContain('https://www.camden.gov.uk/local-offer');
    expect(a.answer).not.toContain('evil.example.com');
    expect(a.answer).not.toContain('bad.example');
    expect(a.answer).toContain('this page');
    expect(a.answer).not.toMatch(/\[9\]|\[14\]/);
    // A sentence whose only citation names no passage has no source: it goes with its citation.
    expect(a.answer).not.toContain('Saturday');
    // [2] was cited first, so it becomes [1]; the old [1] becomes [2].
    expect(a.answer).toMatch(/lists SEND services \[1\]\. Parents can also call SENDIASS \[2\]\./);
    expect(a.citations).toHaveLength(2);
    const passages: string = requests[0]!.body.messages[0].content;
    const numbered = (n: number) => new RegExp(`\\[${n}\\] \\(SEND Handbook — ([^)]+)\\)`).exec(passages)![1];
    expect(a.citations[0]!.section).toBe(numbered(2));
    expect(a.citations[1]!.section).toBe(numbered(1));
  });

  it('drops every sentence that cites no passage (an invented price and phone number never reach anyone)', async () => {
    const kb = await llmKb();
    replies.push({
      status: 200,
      content: 'Each plan is reviewed once a year with the family [1]. It costs £250 per review. Call 020 7974 0000 to book.',
    });
    const a = await kb.answer('How often is an Education, Health and Care Plan reviewed?');
    expect(a.answered).toBe(true);
    expect(a.answer).toContain('reviewed once a year');
    expect(a.answer).not.toContain('£250');
    expect(a.answer).not.toContain('020 7974');
  });

  it('removes links of any scheme and bare domains that no cited passage holds', async () => {
    const kb = await llmKb();
    replies.push({
      status: 200,
      content:
        'The Local Offer lists SEND services at https://www.camden.gov.uk/local-offer [1]. ' +
        'Email mailto:help@evil.example or ring tel:+441234567890 [1]. ' +
        'Click [here](javascript:alert(1)) or [this](data:text/html,x) or visit camden-send-help.co.uk/apply [1].',
    });
    const a = await kb.answer('Which website lists SEND services in the Local Offer?');
    expect(a.answered).toBe(true);
    expect(a.answer).toContain('https://www.camden.gov.uk/local-offer');
    for (const bad of ['mailto:', 'tel:', 'javascript:', 'data:', 'camden-send-help.co.uk', 'evil.example']) expect(a.answer).not.toContain(bad);
  });

  it('falls back to the extractive answer, saying so, when the model does not answer in time', async () => {
    const kb = await llmKb(300);
    replies.push({ status: 200, delayMs: 1_500, content: 'Too late [1].' });
    const a = await kb.answerDetailed('How often is an Education, Health and Care Plan reviewed?');
    expect(a.mode).toBe('extractive');
    expect(a.answered).toBe(true);
    expect(a.answer).toMatch(/^The written answer took too long/);
    expect(a.answer).toContain('reviewed once a year');
    expect(a.answer).not.toContain('Too late');
  });

  it('falls back to the extractive answer when the API fails, and logs it', async () => {
    const kb = await llmKb();
    replies.push({ status: 500 });
    const a = await kb.answerDetailed('How often is an Education, Health and Care Plan reviewed?');
    expect(requests).toHaveLength(1);
    expect(a.mode).toBe('extractive');
    expect(a.answered).toBe(true);
    expect(a.answer).toContain('reviewed once a year');
    expect(a.citations[0]!.section).toBe('Annual reviews');
    const warn = logs.find((l) => l.level === 40 && /model request failed/.test(l.msg));
    expect(warn).toBeDefined();
  });

  it('abstains when the model says the passages do not answer', async () => {
    const kb = await llmKb();
    replies.push({ status: 200, content: 'NOT_IN_DOCUMENTS' });
    const a = await kb.answer('Does SENDIASS run a helpline for parents?');
    expect(requests).toHaveLength(1);
    expect(a.answered).toBe(false);
    expect(a.citations).toEqual([]);
    expect(a.answer).toContain('SEND Handbook');
  });

  it('uses the extractive answer when the model cites no passage it was given', async () => {
    const kb = await llmKb();
    replies.push({ status: 200, content: 'SENDIASS is open at weekends [7].' });
    const a = await kb.answerDetailed('When can parents call the SENDIASS helpline?');
    expect(a.mode).toBe('extractive');
    expect(a.answer).toContain('9am and 5pm');
    expect(a.answer).not.toContain('weekends');
  });

  it('does not call the model for a question the documents do not support', async () => {
    const kb = await llmKb();
    const a = await kb.answer('What is the capital of France?');
    expect(a.answered).toBe(false);
    expect(requests).toHaveLength(0);
  });
});

describe('checking model replies', () => {
  const chunk = (text: string, section = 'S') => ({ id: 'x', source: 'x.md', title: 'T', section, text, ordinal: 0 });

  it('accepts comma lists of citations and removes duplicates', () => {
    const r = checkModelReply('Both say so [2, 1] and again [1][1].', [chunk('a'), chunk('b')]);
    expect(r).toEqual({ kind: 'answer', text: 'Both say so [1][2] and again [2].', cited: [chunk('b'), chunk('a')] });
  });

  it('reads ranges and semicolon lists of citations', () => {
    const three = [chunk('a'), chunk('b'), chunk('c')];
    expect(checkModelReply('All three agree [1-3]. Two do [3; 1].', three)).toMatchObject({ kind: 'answer', text: 'All three agree [1][2][3]. Two do [3][1].' });
    expect(checkModelReply('A range past the end [2–9].', three)).toMatchObject({ kind: 'answer', text: 'A range past the end [1][2].' });
  });

  it('drops sentences whose only citations name no passage, and keeps the full stops in links and figures', () => {
    const r = checkModelReply('See www.camden.gov.uk/offer for 2.5 hours of help [1]. 2,000 teachers took it [6]. Done [1].', [chunk('www.camden.gov.uk/offer')]);
    expect(r).toMatchObject({ kind: 'answer', text: 'See www.camden.gov.uk/offer for 2.5 hours of help [1]. Done [1].' });
  });

  it('keeps abbreviations, initials and list numbers inside the sentence they belong to', () => {
    const one = [chunk('a')];
    expect(checkModelReply('Dr. Smith leads the programme [7]. The offer is free [1].', one)).toMatchObject({ text: 'The offer is free [1].' });
    expect(checkModelReply('It is free [1]. Schools, e.g. Acland Burghley, host it [9].', one)).toMatchObject({ text: 'It is free [1].' });
    expect(checkModelReply('Intro [1]:\n\n1. First point [1].\n2. Second point [8].', one)).toMatchObject({ text: 'Intro [1]:\n\n1. First point [1].' });
  });

  it('abstains when the model says the documents do not hold it and cites nothing', () => {
    expect(checkModelReply('Half-term dates are not given. NOT_IN_DOCUMENTS.', [chunk('a')]).kind).toBe('abstain');
    expect(checkModelReply('`NOT_IN_DOCUMENTS`', [chunk('a')]).kind).toBe('abstain');
  });

  it('answers the covered part of a question and says the rest is not covered', () => {
    const r = checkModelReply('The NPQSL pass rate is 100% [1]. Half-term dates: NOT_IN_DOCUMENTS.', [chunk('a')]);
    expect(r).toMatchObject({ kind: 'answer', text: 'The NPQSL pass rate is 100% [1].\n\nThe documents do not cover the rest of the question.' });
    expect(checkModelReply('**NOT_IN_DOCUMENTS**', [chunk('a')]).kind).toBe('abstain');
    expect(checkModelReply('Half-term dates: NOT_IN_DOCUMENTS.', [chunk('a')]).kind).toBe('abstain');
  });

  it('treats refusals as abstentions', () => {
    expect(checkModelReply('NOT_IN_DOCUMENTS', [chunk('a')]).kind).toBe('abstain');
    expect(checkModelReply("I'm sorry, the passages do not say.", [chunk('a')]).kind).toBe('abstain');
    expect(checkModelReply('', [chunk('a')]).kind).toBe('abstain');
  });

  it('keeps only URLs that appear in the passages', () => {
    const passages = 'See https://www.camden.gov.uk/x for more.';
    expect(stripUnknownUrls('Go to https://www.camden.gov.uk/x.', passages)).toBe('Go to https://www.camden.gov.uk/x.');
    expect(stripUnknownUrls('Go to https://example.org/y now.', passages)).toBe('Go to now.');
    expect(stripUnknownUrls('Go to www.example.org today', passages)).toBe('Go to today');
    // Only whole links: a shortened or extended one points somewhere the passage does not.
    expect(stripUnknownUrls('See https://www.camden.gov.uk or https://www.camden.gov.uk/xy.', passages)).toBe('See or .');
    // The same link without its scheme, or quoted or in bold in the passage, is the same link.
    expect(stripUnknownUrls('Visit www.camden.gov.uk/x today.', passages)).toBe('Visit www.camden.gov.uk/x today.');
    expect(stripUnknownUrls('Visit https://x.org/a now.', 'See “https://x.org/a” and **https://y.org/b**.')).toBe('Visit https://x.org/a now.');
    expect(stripUnknownUrls('Or https://y.org/b.', 'See **https://y.org/b**.')).toBe('Or https://y.org/b.');
  });
});
