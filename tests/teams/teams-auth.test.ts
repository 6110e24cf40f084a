import { afterEach, describe, expect, it } from 'vitest';
import { botFrameworkToken, makeSigningKey } from '../helpers/teams-jwt.js';
import { activity, STAFF, startTeamsHarness, type TeamsHarness } from '../helpers/teams-harness.js';
import { startSlowHttpProxy, type SlowHttpProxy } from '../helpers/fault-slow-http.js';

const APP_ID = '00000000-0000-4000-8000-00000000a99';
let h: TeamsHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('/api/messages authentication', () => {
  it('refuses everything when no app id is configured and TEAMS_LOCAL_DEV is off', async () => {
    h = await startTeamsHarness({ config: { TEAMS_LOCAL_DEV: false } });
    expect(h.teams.mode).toBe('refuse');
    const res = await h.post(activity(h.connector.serviceUrl, { from: STAFF, text: 'career club?' }));
    expect(res.status).toBe(401);
    expect(res.body).toMatch(/MICROSOFT_APP_ID/);
    expect(h.connector.calls).toHaveLength(0);
  });

  it('with an app id: no token, a malformed token, a foreign issuer and a forged signature are all 401', async () => {
    const published = makeSigningKey('key-1');
    const attacker = makeSigningKey('key-1');
    h = await startTeamsHarness({
      config: { MICROSOFT_APP_ID: APP_ID, MICROSOFT_APP_PASSWORD: 'secret', TEAMS_LOCAL_DEV: true },
      openIdMetadataUrl: (c) => `${c.serviceUrl}openid/.well-known/openid-configuration`,
    });
    h.connector.serveJson('/openid/.well-known/openid-configuration', {
      issuer: 'https://api.botframework.com',
      jwks_uri: `${h.connector.serviceUrl}openid/keys`,
      id_token_signing_alg_values_supported: ['RS256'],
    });
    h.connector.serveJson('/openid/keys', published.jwks);
    expect(h.teams.mode).toBe('authenticated');
    const a = activity(h.connector.serviceUrl, { from: STAFF, text: 'career club?' });
    const claims = { aud: APP_ID, serviceurl: h.connector.serviceUrl };

    expect((await h.post(a)).status).toBe(401);
    expect((await h.post(a, { authorization: 'Bearer not-a-jwt' })).status).toBe(401);
    const foreign = botFrameworkToken(published.privateKey, 'key-1', { ...claims, iss: 'https://evil.example' });
    expect((await h.post(a, { authorization: `Bearer ${foreign}` })).status).toBe(401);
    const forged = botFrameworkToken(attacker.privateKey, 'key-1', claims);
    expect((await h.post(a, { authorization: `Bearer ${forged}` })).status).toBe(401);
    const unknownKey = botFrameworkToken(published.privateKey, 'key-2', claims);
    expect((await h.post(a, { authorization: `Bearer ${unknownKey}` })).status).toBe(401);
    const wrongAudience = botFrameworkToken(published.privateKey, 'key-1', { ...claims, aud: 'someone-else' });
    expect((await h.post(a, { authorization: `Bearer ${wrongAudience}` })).status).toBe(401);
    expect(h.connector.messages()).toHaveLength(0);

    // Control: the same key set accepts a correctly signed token (a channel message without an @mention, so the
    // bot stays silent and needs no outbound token).
    const valid = botFrameworkToken(published.privateKey, 'key-1', claims);
    const quiet = activity(h.connector.serviceUrl, {
      from: STAFF,
      text: 'chatter',
      conversation: { id: '19:quiet@thread.tacv2', conversationType: 'channel' },
    });
    expect((await h.post(quiet, { authorization: `Bearer ${valid}` })).status).toBe(200);
  });

  it('rejects a body that is not sent as JSON (415) or is not JSON (400)', async () => {
    h = await startTeamsHarness();
    const res = await fetch(`${h.url}/api/messages`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: '{oops' });
    expect(res.status).toBe(415);
    const bad = await fetch(`${h.url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{oops' });
    expect(bad.status).toBe(400);
  });

  describe("when Microsoft's OpenID metadata host is down or slow", () => {
    let slow: SlowHttpProxy | undefined;
    afterEach(async () => {
      await slow?.close();
      slow = undefined;
    });
    const token = () => botFrameworkToken(makeSigningKey('key-1').privateKey, 'key-1', { aud: APP_ID, serviceurl: 'http://127.0.0.1:9/' });
    const noInternals = (body: string) => expect(body).not.toMatch(/ECONNREFUSED|127\.0\.0\.1|openid|fetch|Failed to load|[A-Za-z]Error|at \S+ \(/);

    it('down: a token is answered 503 with no internals, at once', async () => {
      h = await startTeamsHarness({
        config: { MICROSOFT_APP_ID: APP_ID, MICROSOFT_APP_PASSWORD: 'secret' },
        openIdMetadataUrl: () => 'http://127.0.0.1:1/openid/.well-known/openid-configuration',
      });
      const res = await h.post(activity(h.connector.serviceUrl, { from: STAFF, text: 'career club?' }), { authorization: `Bearer ${token()}` });
      expect(res.status).toBe(503);
      noInternals(res.body);
      expect(JSON.parse(res.body)).toMatchObject({ error: 'unavailable' });
      expect(h.connector.calls).toHaveLength(0);
    });

    it('slow: the wait is bounded (authTimeoutMs), then 503 with no internals', async () => {
      // A metadata host that takes 20 s to answer (the proxy holds every request that long).
      slow = await startSlowHttpProxy('http://127.0.0.1:9/');
      slow.setDelay(() => 20_000);
      const proxyUrl = slow.url.endsWith('/') ? slow.url : `${slow.url}/`;
      h = await startTeamsHarness({
        config: { MICROSOFT_APP_ID: APP_ID, MICROSOFT_APP_PASSWORD: 'secret' },
        openIdMetadataUrl: () => `${proxyUrl}openid/.well-known/openid-configuration`,
        authTimeoutMs: 1_000,
      });
      const started = Date.now();
      const res = await h.post(activity(h.connector.serviceUrl, { from: STAFF, text: 'career club?' }), { authorization: `Bearer ${token()}` });
      expect(res.status).toBe(503);
      expect(Date.now() - started).toBeLessThan(15_000);
      noInternals(res.body);
      expect(slow.arrived(/openid/)).toBeGreaterThan(0);
    });
  });
});
