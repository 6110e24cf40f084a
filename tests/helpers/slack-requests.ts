import { createHmac } from 'node:crypto';

/** Slack's v0 request signature over `v0:<timestamp>:<body>`. */
export function slackSignature(secret: string, timestamp: number, body: string): string {
  return 'v0=' + createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex');
}

export interface SignedRequestOptions {
  secret: string;
  /** Seconds since epoch; default now. Use an old value for a stale request. */
  timestamp?: number;
  /** Replace the signature (forged) or drop it (null). */
  signature?: string | null;
  retryNum?: number;
}

/** POST a body to /slack/events the way Slack does. */
export async function postToSlackEndpoint(
  url: string,
  body: string,
  contentType: 'application/json' | 'application/x-www-form-urlencoded',
  options: SignedRequestOptions,
): Promise<{ status: number; text: string; json: any }> {
  const ts = options.timestamp ?? Math.floor(Date.now() / 1000);
  const headers: Record<string, string> = { 'Content-Type': contentType, 'X-Slack-Request-Timestamp': String(ts) };
  if (options.signature !== null) headers['X-Slack-Signature'] = options.signature ?? slackSignature(options.secret, ts, body);
  if (options.retryNum !== undefined) {
    headers['X-Slack-Retry-Num'] = String(options.retryNum);
    headers['X-Slack-Retry-Reason'] = 'http_timeout';
  }
  const res = await fetch(url, { method: 'POST', headers, body, signal: AbortSignal.timeout(15_000) });
  const text = await res.text();
  let json: any = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = null;
  }
  return { status: res.status, text, json };
}

let seq = 0;
const uid = (p: string) => `${p}${Date.now().toString(36)}${(++seq).toString(36)}`.toUpperCase();

export function slashCommandBody(o: { command: string; text: string; user: string; team: string; channel?: string; responseUrl: string; triggerId?: string }): string {
  return new URLSearchParams({
    token: 'legacy',
    team_id: o.team,
    team_domain: 'camden',
    channel_id: o.channel ?? 'C0GENERAL1',
    channel_name: 'general',
    user_id: o.user,
    user_name: o.user.toLowerCase(),
    command: o.command,
    text: o.text,
    api_app_id: 'A0CAMDEN01',
    is_enterprise_install: 'false',
    response_url: o.responseUrl,
    trigger_id: o.triggerId ?? uid('trig.'),
  }).toString();
}

export function eventBody(o: { team: string; event: Record<string, unknown>; eventId?: string }): string {
  return JSON.stringify({
    token: 'legacy',
    team_id: o.team,
    api_app_id: 'A0CAMDEN01',
    event: o.event,
    type: 'event_callback',
    event_id: o.eventId ?? uid('Ev'),
    event_time: Math.floor(Date.now() / 1000),
    authorizations: [{ team_id: o.team, user_id: 'U0BOT0001', is_bot: true, is_enterprise_install: false }],
    is_ext_shared_channel: false,
  });
}

export function interactionBody(payload: Record<string, unknown>): string {
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}

export function newTs(): string {
  return `${Math.floor(Date.now() / 1000)}.${String(++seq).padStart(6, '0')}`;
}

export function newTriggerId(): string {
  return uid('trig.');
}
