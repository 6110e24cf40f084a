import { describe, expect, it } from 'vitest';
import { classifySendError, ConversationPacer, retryAfterMs } from '../../adapters/teams/send-policy.js';
import { formValues, submitIdempotencyKey } from '../../adapters/teams/cards/attendance-form-values.js';
import { threadOf } from '../../adapters/teams/activity.js';

describe('send policy', () => {
  it('reads Retry-After as seconds or an HTTP date', () => {
    expect(retryAfterMs({ 'retry-after': '3' })).toBe(3000);
    expect(retryAfterMs({ get: (n: string) => (n === 'retry-after' ? '0.5' : undefined) })).toBe(500);
    const now = Date.parse('2026-11-23T08:00:00Z');
    expect(retryAfterMs({ 'retry-after': 'Mon, 23 Nov 2026 08:00:10 GMT' }, now)).toBe(10_000);
    expect(retryAfterMs({ 'retry-after': 'soon' })).toBeUndefined();
    expect(retryAfterMs(undefined)).toBeUndefined();
  });

  it('classifies connector failures', () => {
    expect(classifySendError({ statusCode: 403 }).kind).toBe('forbidden');
    expect(classifySendError({ statusCode: 404 }).kind).toBe('not_found');
    expect(classifySendError({ statusCode: 429, response: { headers: { 'retry-after': '2' } } })).toEqual({ kind: 'rate_limited', status: 429, retryAfterMs: 2000 });
    expect(classifySendError({ statusCode: 502 }).kind).toBe('transient');
    expect(classifySendError({ statusCode: 400 }).kind).toBe('rejected');
    expect(classifySendError(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' })).kind).toBe('transient');
    expect(classifySendError(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' })).kind).toBe('unknown');
  });

  it('paces sends to one conversation under Teams limits (7/s, 8/2 s, 60/30 s), others unaffected', () => {
    const pacer = new ConversationPacer();
    const t0 = 1_000_000;
    const waits = Array.from({ length: 9 }, () => pacer.reserve('a', t0));
    expect(waits.slice(0, 7)).toEqual([0, 0, 0, 0, 0, 0, 0]);
    expect(waits[7]).toBeGreaterThanOrEqual(1000);
    expect(waits[8]).toBeGreaterThanOrEqual(2000);
    expect(pacer.reserve('b', t0)).toBe(0);
    const many = new ConversationPacer();
    let last = 0;
    for (let i = 0; i < 61; i++) last = many.reserve('c', t0);
    expect(last).toBeGreaterThanOrEqual(30_000);
  });
});

describe('card submit keys and threads', () => {
  const values = formValues({ centre: 'acland-burghley', week: '2026-11-16', sessions: 6, academic: '4', note: ' hi ' });
  it('reads card values as trimmed strings, numbers included', () => {
    expect(values.sessions).toBe('6');
    expect(values.note).toBe('hi');
    expect(values.pupils).toBe('');
  });

  it('same card and values give the same key; different values or another card give another', () => {
    const a = submitIdempotencyKey({ id: 'x1', replyToId: 'card-1', conversation: { id: 'c' } }, values);
    expect(submitIdempotencyKey({ id: 'x2', replyToId: 'card-1', conversation: { id: 'c' } }, values)).toBe(a);
    expect(submitIdempotencyKey({ id: 'x1', replyToId: 'card-2', conversation: { id: 'c' } }, values)).not.toBe(a);
    expect(submitIdempotencyKey({ id: 'x1', replyToId: 'card-1', conversation: { id: 'c' } }, { ...values, sessions: '7' })).not.toBe(a);
  });

  it('channel threads: replies carry the root id, new posts are their own root; chats have none', () => {
    const base = { type: 'message', conversation: { conversationType: 'channel' } } as any;
    expect(threadOf({ ...base, id: 'm2', conversation: { ...base.conversation, id: '19:x@thread.tacv2;messageid=m1' } })).toEqual({ conversationId: '19:x@thread.tacv2', threadId: 'm1' });
    expect(threadOf({ ...base, id: 'm3', conversation: { ...base.conversation, id: '19:x@thread.tacv2' } })).toEqual({ conversationId: '19:x@thread.tacv2', threadId: 'm3' });
    expect(threadOf({ type: 'message', id: 'p', conversation: { id: 'a:1', conversationType: 'personal' } } as any)).toBeUndefined();
  });
});

describe('Teams auth configuration', () => {
  it('explains a managed-identity setup that botbuilder would reject', async () => {
    const { createBotAdapter } = await import('../../adapters/teams/auth.js');
    const { createLogger } = await import('../../src/logger.js');
    const base = { MICROSOFT_APP_ID: '11111111-2222-4333-8444-555555555555', MICROSOFT_APP_TYPE: 'UserAssignedMSI' as const, TEAMS_LOCAL_DEV: false, NODE_ENV: 'test', MICROSOFT_APP_PASSWORD: undefined, MICROSOFT_APP_TENANT_ID: undefined };
    const log = createLogger('silent');
    expect(() => createBotAdapter(base, log)).toThrow(/MICROSOFT_APP_TENANT_ID is required when MICROSOFT_APP_TYPE=UserAssignedMSI/);
    expect(() => createBotAdapter({ ...base, MICROSOFT_APP_TENANT_ID: 't', MICROSOFT_APP_PASSWORD: 'x' }, log)).toThrow(/MICROSOFT_APP_PASSWORD must be empty/);
    expect(() => createBotAdapter({ ...base, MICROSOFT_APP_TENANT_ID: 't' }, log)).not.toThrow();
  });
});
