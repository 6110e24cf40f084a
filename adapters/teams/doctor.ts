import type { Config } from '../../src/config.js';
import type { DoctorCheck, DoctorSection } from '../../src/shared/doctor.js';
import { teamsAuthMode } from './mode.js';

export type TeamsDoctorConfig = Pick<Config, 'MICROSOFT_APP_ID' | 'MICROSOFT_APP_PASSWORD' | 'MICROSOFT_APP_TENANT_ID' | 'MICROSOFT_APP_TYPE' | 'TEAMS_LOCAL_DEV'>;

export interface TeamsDoctorOptions {
  /** Teams channels the digest is posted to (conversation ids). */
  digestChannels: string[];
  /** Entra's sign-in host (tests: a local fake). Default https://login.microsoftonline.com. */
  loginUrl?: string;
  /** Bot Connector base URL for channel checks. Default: Microsoft's global Teams endpoint. */
  channelServiceUrl?: string;
  timeoutMs?: number;
}

const PORTAL = 'Azure portal > your Azure Bot > Settings > Configuration';
const GLOBAL_TEAMS = 'https://smba.trafficmanager.net/teams/';

/** What Entra's errors mean for whoever is setting the bot up. */
const AADSTS: Record<string, { detail: string; fix: string }> = {
  '700016': {
    detail: 'Entra does not know this app id in that directory',
    fix: `check MICROSOFT_APP_ID ("Microsoft App ID") and MICROSOFT_APP_TENANT_ID ("App Tenant ID") on ${PORTAL}; a single-tenant bot needs MICROSOFT_APP_TYPE=SingleTenant (the default), a multi-tenant one MultiTenant`,
  },
  '7000215': {
    detail: 'the client secret is wrong',
    fix: `${PORTAL} > Manage Password > Certificates & secrets > New client secret; copy its Value (not the Secret ID) into MICROSOFT_APP_PASSWORD`,
  },
  '7000222': { detail: 'the client secret has expired', fix: `create a new one: ${PORTAL} > Manage Password > Certificates & secrets > New client secret` },
  '90002': { detail: 'that tenant does not exist', fix: `copy the "App Tenant ID" from ${PORTAL} into MICROSOFT_APP_TENANT_ID` },
  '900023': { detail: 'the tenant id is not a valid tenant', fix: `copy the "App Tenant ID" from ${PORTAL} into MICROSOFT_APP_TENANT_ID` },
};

/**
 * Teams' part of the first-run check: what is configured, and whether the app id, secret and tenant get a Bot
 * Framework token from Entra (client credentials, as botbuilder does before every reply), with what to change when not.
 * With a token, each Teams digest channel is looked up on the Bot Connector (the bot must be in that team).
 */
export async function teamsDoctor(config: TeamsDoctorConfig, opts: TeamsDoctorOptions): Promise<DoctorSection> {
  const checks: DoctorCheck[] = [];
  const mode = teamsAuthMode(config);
  if (mode === 'refuse') {
    checks.push({ name: 'configured', ok: null, detail: 'Teams is off (MICROSOFT_APP_ID not set)', fix: 'to use Teams, follow README "Connecting Teams"' });
    return { title: 'Teams', checks };
  }
  if (mode === 'local-dev') {
    checks.push({
      name: 'configured',
      ok: null,
      detail: 'local development only: TEAMS_LOCAL_DEV accepts unauthenticated traffic from an emulator on this machine',
      fix: 'for a real tenant, set MICROSOFT_APP_ID, MICROSOFT_APP_PASSWORD and MICROSOFT_APP_TENANT_ID (README "Connecting Teams")',
    });
    return { title: 'Teams', checks };
  }
  const type = config.MICROSOFT_APP_TYPE;
  checks.push({
    name: 'configured',
    ok: true,
    detail: `${type}, app id ${config.MICROSOFT_APP_ID}${config.MICROSOFT_APP_TENANT_ID ? `, tenant ${config.MICROSOFT_APP_TENANT_ID} (only its users are served)` : ''}`,
  });
  if (type === 'UserAssignedMSI') {
    checks.push({ name: 'Bot Framework token', ok: null, detail: 'a managed identity signs in only on Azure; not checked here' });
    return { title: 'Teams', checks };
  }
  const authority = type === 'SingleTenant' ? config.MICROSOFT_APP_TENANT_ID! : 'botframework.com';
  const login = (opts.loginUrl ?? 'https://login.microsoftonline.com').replace(/\/+$/, '');
  let token: string | null = null;
  try {
    const res = await fetch(`${login}/${encodeURIComponent(authority)}/oauth2/v2.0/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: config.MICROSOFT_APP_ID!,
        client_secret: config.MICROSOFT_APP_PASSWORD ?? '',
        scope: 'https://api.botframework.com/.default',
      }),
      signal: AbortSignal.timeout(opts.timeoutMs ?? 10_000),
    });
    const body = (await res.json().catch(() => ({}))) as { access_token?: string; error?: string; error_description?: string; error_codes?: number[] };
    if (res.ok && body.access_token) {
      token = body.access_token;
      checks.push({ name: 'Bot Framework token', ok: true, detail: `Entra issues a token for this app (${type === 'SingleTenant' ? 'tenant' : 'Bot Framework'} authority)` });
    } else {
      const code = String(body.error_codes?.[0] ?? /AADSTS(\d+)/.exec(body.error_description ?? '')?.[1] ?? '');
      const known = AADSTS[code];
      checks.push({
        name: 'Bot Framework token',
        ok: false,
        detail: `Entra refused (${code ? `AADSTS${code}: ` : ''}${known?.detail ?? body.error ?? `HTTP ${res.status}`})`,
        fix: known?.fix ?? `check MICROSOFT_APP_ID, MICROSOFT_APP_PASSWORD, MICROSOFT_APP_TENANT_ID and MICROSOFT_APP_TYPE against ${PORTAL}`,
      });
    }
  } catch (err) {
    checks.push({
      name: 'Bot Framework token',
      ok: false,
      detail: `Entra could not be reached (${(err as Error).message})`,
      fix: 'check that this machine can reach login.microsoftonline.com and the Bot Connector (*.botframework.com, smba.trafficmanager.net): proxy, firewall',
    });
  }
  checks.push({
    name: 'messaging endpoint',
    ok: null,
    detail: 'Teams posts to https://YOUR-HOST/api/messages with a token this server checks',
    fix: `set it on ${PORTAL} > Messaging endpoint, and turn on Channels > Microsoft Teams`,
  });
  if (!opts.digestChannels.length) {
    checks.push({ name: 'digest channels', ok: null, detail: 'none in Teams', fix: 'to post the digest in a Teams channel: add the app to the team, then @mention it in the channel and write "post digests here"' });
  }
  for (const id of opts.digestChannels) {
    if (!token) {
      checks.push({ name: `digest channel ${id}`, ok: null, detail: 'not checked (no token)' });
      continue;
    }
    const base = (opts.channelServiceUrl ?? GLOBAL_TEAMS).replace(/\/?$/, '/');
    const res = await fetch(`${base}v3/conversations/${encodeURIComponent(id)}/members`, {
      headers: { authorization: `Bearer ${token}` },
      signal: AbortSignal.timeout(opts.timeoutMs ?? 10_000),
    }).catch((err: unknown) => err as Error);
    if (res instanceof Error) checks.push({ name: `digest channel ${id}`, ok: null, detail: `the Bot Connector could not be reached (${res.message})` });
    else if (res.ok) checks.push({ name: `digest channel ${id}`, ok: true, detail: 'the bot is in this team and can post' });
    else {
      checks.push({
        name: `digest channel ${id}`,
        ok: false,
        detail: `the Bot Connector answered ${res.status}: the app is not in that team, or the channel is gone`,
        fix: 'add the app to the team (Teams > Apps > the bot > Add to a team), then in the channel @mention it and write "post digests here"',
      });
    }
  }
  return { title: 'Teams', checks };
}
