import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { activity } from '../helpers/teams-harness.js';
import { botFrameworkToken, makeSigningKey, type TestSigningKey } from '../helpers/teams-jwt.js';
import { startHostileServer, TEAMS_USERS, type HostileServer } from './harness.js';

/**
 * Teams with an app id: every request must carry a Bot Framework token signed by a published key, for this app,
 * from the right issuer, in date. Each bad token is a row: 401, nothing sent, nothing stored, server still healthy.
 */
const APP_ID = '00000000-0000-4000-8000-0000000ba5e1';
const APP_PASSWORD = 'app-password-for-tests';
let s: HostileServer;
let published: TestSigningKey;
let attacker: TestSigningKey;

const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
const now = () => Math.floor(Date.now() / 1000);

interface AuthRow {
  name: string;
  /** The Authorization header (or other headers) to send; null sends none. */
  headers: () => Record<string, string> | null;
  /** Default [401]. */
  status?: number[];
  /** Not even shaped like a token: refused before botbuilder, which would print the refusal to stderr. */
  noToken?: boolean;
}

const claims = () => ({ aud: APP_ID, serviceurl: s.connector.serviceUrl });
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

const ROWS: AuthRow[] = [
  { name: 'no Authorization header', headers: () => null, noToken: true },
  { name: 'an empty Bearer token', headers: () => ({ authorization: 'Bearer ' }), noToken: true },
  { name: 'a Bearer token that is not a JWT', headers: () => bearer('not-a-jwt'), noToken: true },
  { name: 'Basic credentials', headers: () => ({ authorization: `Basic ${Buffer.from(`${APP_ID}:${APP_PASSWORD}`).toString('base64')}` }), noToken: true },
  { name: 'the app password as the token', headers: () => bearer(APP_PASSWORD), noToken: true },
  { name: 'an unsigned token (alg none)', headers: () => bearer(`${b64({ alg: 'none', typ: 'JWT' })}.${b64({ iss: 'https://api.botframework.com', ...claims(), exp: now() + 600 })}.`) },
  {
    name: 'an HS256 token signed with the app password (algorithm confusion)',
    headers: () => {
      const head = b64({ alg: 'HS256', typ: 'JWT', kid: 'key-1' });
      const body = b64({ iss: 'https://api.botframework.com', ...claims(), nbf: now() - 60, exp: now() + 600 });
      return bearer(`${head}.${body}.${createHmac('sha256', APP_PASSWORD).update(`${head}.${body}`).digest('base64url')}`);
    },
  },
  { name: 'a token signed by another key under the published key id', headers: () => bearer(botFrameworkToken(attacker.privateKey, 'key-1', claims())) },
  { name: 'a token naming a key that is not published', headers: () => bearer(botFrameworkToken(published.privateKey, 'key-404', claims())) },
  { name: 'a token from a foreign issuer', headers: () => bearer(botFrameworkToken(published.privateKey, 'key-1', { ...claims(), iss: 'https://evil.example' })) },
  { name: 'a token for another app', headers: () => bearer(botFrameworkToken(published.privateKey, 'key-1', { ...claims(), aud: 'another-app' })) },
  { name: 'an expired token', headers: () => bearer(botFrameworkToken(published.privateKey, 'key-1', { ...claims(), nbf: now() - 7200, iat: now() - 7200, exp: now() - 3600 })) },
  { name: 'a token not valid until tomorrow', headers: () => bearer(botFrameworkToken(published.privateKey, 'key-1', { ...claims(), nbf: now() + 86_400, exp: now() + 90_000 })) },
  {
    name: 'a valid token whose serviceurl differs from the activity’s',
    headers: () => bearer(botFrameworkToken(published.privateKey, 'key-1', { ...claims(), serviceurl: 'https://smba.trafficmanager.net/emea/' })),
  },
  { name: 'a token with its signature cut off', headers: () => bearer(botFrameworkToken(published.privateKey, 'key-1', claims()).split('.').slice(0, 2).join('.') + '.') },
  {
    name: 'a token with a tampered payload',
    headers: () => {
      const [h, , sig] = botFrameworkToken(published.privateKey, 'key-1', claims()).split('.');
      return bearer(`${h}.${b64({ iss: 'https://api.botframework.com', aud: APP_ID, serviceurl: s.connector.serviceUrl, exp: now() + 99_999 })}.${sig}`);
    },
  },
  // Past Node's header limit: refused by the HTTP server itself (431) before any code of ours runs.
  { name: 'a 50 KB garbage token', headers: () => bearer('A'.repeat(50 * 1024)), status: [401, 431] },
  { name: 'the token in the wrong header', headers: () => ({ 'x-authorization': `Bearer ${botFrameworkToken(published.privateKey, 'key-1', claims())}` }), noToken: true },
];

beforeAll(async () => {
  published = makeSigningKey('key-1');
  attacker = makeSigningKey('key-1');
  s = await startHostileServer(
    { MICROSOFT_APP_ID: APP_ID, MICROSOFT_APP_PASSWORD: APP_PASSWORD, MICROSOFT_APP_TYPE: 'MultiTenant', TEAMS_LOCAL_DEV: 'false' },
    { openIdMetadataUrl: (c) => `${c.serviceUrl}openid/.well-known/openid-configuration` },
  );
  s.connector.serveJson('/openid/.well-known/openid-configuration', {
    issuer: 'https://api.botframework.com',
    jwks_uri: `${s.connector.serviceUrl}openid/keys`,
    id_token_signing_alg_values_supported: ['RS256'],
  });
  s.connector.serveJson('/openid/keys', published.jwks);
});

afterAll(async () => {
  await s?.close();
});

describe('/api/messages with an app id: bad credentials', () => {
  it.each(ROWS.map((r) => [r.name, r] as const))('%s -> refused', async (_name, row) => {
    s.connector.reset();
    const before = await s.counts();
    // A lead's quick form: were it let through, it would store a return and reply.
    const base = activity(s.connector.serviceUrl, {
      from: TEAMS_USERS.lead,
      text: 'attendance sessions 6 academic 4 enrichment 2 attendances 120 pupils 45 fsm 30 send 8 parents 3',
    });
    const stderr = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    let res: { status: number; body: string };
    try {
      res = await s.teamsPost(base, row.headers() ?? {});
      if (row.noToken) expect(stderr).not.toHaveBeenCalled();
    } finally {
      stderr.mockRestore();
    }
    expect(row.status ?? [401]).toContain(res.status);
    expect(s.connector.calls.filter((c) => c.kind !== 'other')).toHaveLength(0);
    expect(await s.counts()).toEqual(before);
    expect(await s.healthz()).toBe(200);
  });

  it('control: a correctly signed token is accepted (a channel message without a mention: no reply needed)', async () => {
    const quiet = activity(s.connector.serviceUrl, { from: TEAMS_USERS.staff, text: 'chatter', conversation: { id: '19:quiet@thread.tacv2', conversationType: 'channel' } });
    const res = await s.teamsPost(quiet, bearer(botFrameworkToken(published.privateKey, 'key-1', claims())));
    expect(res.status).toBe(200);
  });
});
