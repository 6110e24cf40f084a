import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { waitFor } from './wait.js';
import { messageProblems, viewProblems } from './block-kit-rules.js';
import { acceptWebSocket, type FakeSocket } from './slack-websocket.js';

/** One recorded call to the fake Web API (or a response_url). */
export interface SlackCall {
  method: string;
  /** Parsed arguments: JSON body, or form fields with JSON-looking values (blocks, view) parsed. */
  args: Record<string, any>;
  headers: Record<string, string | string[] | undefined>;
  at: number;
}

/** A scripted answer for the next call(s) to a method. */
export type Failure =
  | { kind: 'ratelimited'; retryAfterSeconds: number }
  | { kind: 'http'; status: number }
  | { kind: 'error'; error: string }
  | { kind: 'hang' }
  /** Answer normally: lets a later call in the queue be the one that fails. */
  | { kind: 'pass' };

/** A payload the fake refused as real Slack would (Block Kit rules), with the problems it found. */
export interface RefusedPayload {
  method: string;
  error: string;
  problems: string[];
}

/** A member of the fake workspace, as users.info / users.lookupByEmail describe them. */
export interface FakeSlackUser {
  id: string;
  /** Shown as real_name and profile.real_name. */
  name: string;
  email?: string;
  team?: string;
  deleted?: boolean;
  isBot?: boolean;
}

/** A channel of the fake workspace, as conversations.info describes it. */
export interface FakeSlackChannel {
  id: string;
  name: string;
  isPrivate?: boolean;
  /** The bot is in the channel (invited). */
  isMember?: boolean;
  isArchived?: boolean;
}

export interface FakeSlack {
  /** Web API base URL, for SLACK_API_URL (ends with /api/). */
  apiUrl: string;
  /**
   * Scopes the bot token was granted (default: the bot scopes of manifest/slack/manifest.json). Methods check them as
   * Slack does (missing_scope), users.info leaves the email out without users:read.email, and every answer carries
   * them in the x-oauth-scopes header.
   */
  scopes: string[];
  /** Workspace members for users.info and users.lookupByEmail (by user id). */
  users: Map<string, FakeSlackUser>;
  addUser(user: FakeSlackUser): void;
  /**
   * Channels for conversations.info and for the channel rules of chat.postMessage: not_in_channel unless the bot is a
   * member (or, in a public channel, holds chat:write.public), is_archived. Channels not described here are treated as
   * public channels the bot is in, as older tests assume.
   */
  channels: Map<string, FakeSlackChannel>;
  addChannel(channel: FakeSlackChannel): void;
  /** Base for response_url values: `${responseUrlBase}/<id>`. */
  responseUrlBase: string;
  calls: SlackCall[];
  callsTo(method: string): SlackCall[];
  /** The next `times` calls to `method` fail this way. */
  failNext(method: string, failure: Failure, times?: number): void;
  /** Socket Mode connections opened through apps.connections.open (newest last). */
  sockets: FakeSocket[];
  /** Payloads refused for breaking Slack's Block Kit rules (every test should leave this empty). */
  refused: RefusedPayload[];
  /** Wait (bounded) until `predicate` holds over the recorded calls. */
  waitFor(predicate: (calls: SlackCall[]) => boolean, timeoutMs?: number): Promise<void>;
  reset(): void;
  /** Stops the fake; throws when a payload was refused and the test did not clear `refused` (it checked them). */
  close(): Promise<void>;
}

export const FAKE_TEAM = 'T0CAMDEN';

/** The bot scopes the committed manifest asks for: what an installed app holds unless a test says otherwise. */
export function manifestScopes(): string[] {
  const manifest = JSON.parse(readFileSync(new URL('../../manifest/slack/manifest.json', import.meta.url), 'utf8')) as {
    oauth_config: { scopes: { bot: string[] } };
  };
  return [...manifest.oauth_config.scopes.bot];
}

/** Scopes each method needs (any one of them), as Slack's method reference lists them. */
const METHOD_SCOPES: Record<string, string[]> = {
  'users.info': ['users:read'],
  'users.lookupByEmail': ['users:read.email'],
  'conversations.info': ['channels:read', 'groups:read', 'im:read', 'mpim:read'],
  'conversations.open': ['im:write'],
  'chat.postMessage': ['chat:write'],
  'chat.postEphemeral': ['chat:write'],
  'chat.update': ['chat:write'],
  'reactions.add': ['reactions:write'],
  'reactions.remove': ['reactions:write'],
  'files.getUploadURLExternal': ['files:write'],
  'files.completeUploadExternal': ['files:write'],
};
export const FAKE_BOT_USER = 'U0BOT0001';

const MESSAGE_METHODS = new Set(['chat.postMessage', 'chat.postEphemeral', 'chat.update', 'chat.scheduleMessage']);
const VIEW_METHODS = new Set(['views.open', 'views.update', 'views.push', 'views.publish']);

/**
 * What real Slack answers for a payload that breaks the Block Kit rules: chat methods `invalid_blocks` (or
 * `no_text` / `msg_too_long`) with json pointers, views `invalid_arguments`; a response_url answers HTTP 400.
 */
function refusal(method: string, args: Record<string, any>): { error: string; problems: string[] } | null {
  const isRespond = method.startsWith('response_url:');
  // An update names what it updates: a message by channel and ts, a view by view_id or external_id.
  if (method === 'chat.update' && (typeof args.channel !== 'string' || !args.channel)) return { error: 'channel_not_found', problems: ['/channel: is required'] };
  if (method === 'chat.update' && (typeof args.ts !== 'string' || !/^\d+\.\d+$/.test(args.ts))) return { error: 'message_not_found', problems: ['/ts: must be a message ts'] };
  if (method === 'views.update' && !args.view_id && !args.external_id) return { error: 'invalid_arguments', problems: ['/view_id: view_id or external_id is required'] };
  if (MESSAGE_METHODS.has(method) || isRespond) {
    const problems = messageProblems(args);
    if (!problems.length) return null;
    const blockProblem = problems.some((p) => p.startsWith('/blocks'));
    const error = blockProblem ? 'invalid_blocks' : problems[0]!.includes('msg_too_long') ? 'msg_too_long' : 'no_text';
    return { error, problems };
  }
  if (VIEW_METHODS.has(method)) {
    const problems = viewProblems(args.view);
    return problems.length ? { error: 'invalid_arguments', problems } : null;
  }
  return null;
}

function parseBody(raw: string, contentType: string | undefined): Record<string, any> {
  if (!raw) return {};
  if (contentType?.includes('application/json')) {
    try {
      return JSON.parse(raw) as Record<string, any>;
    } catch {
      return { _raw: raw };
    }
  }
  const out: Record<string, any> = {};
  for (const [k, v] of new URLSearchParams(raw)) {
    if (/^[[{]/.test(v)) {
      try {
        out[k] = JSON.parse(v);
        continue;
      } catch {
        /* keep the string */
      }
    }
    out[k] = v;
  }
  return out;
}

/**
 * A fake Slack Web API on 127.0.0.1: records every call, answers like Slack (ok, ts, channel ids, view ids),
 * and can be told to answer 429 with Retry-After, an HTTP 5xx, a Slack error, or to hang.
 */
export async function startFakeSlack(): Promise<FakeSlack> {
  const calls: SlackCall[] = [];
  const refused: RefusedPayload[] = [];
  const failures = new Map<string, Failure[]>();
  const hanging = new Set<ServerResponse>();
  let tsCounter = 0;
  let viewCounter = 0;
  let fileCounter = 0;
  let baseUrl = '';
  const nextTs = () => `${1_700_000_000 + Math.floor(tsCounter / 1000)}.${String(++tsCounter).padStart(6, '0')}`;

  const scopes = manifestScopes();
  const users = new Map<string, FakeSlackUser>();
  const channels = new Map<string, FakeSlackChannel>();
  const has = (scope: string) => scopes.includes(scope);
  const userObject = (u: FakeSlackUser) => ({
    id: u.id,
    team_id: u.team ?? FAKE_TEAM,
    name: u.id.toLowerCase(),
    deleted: !!u.deleted,
    real_name: u.name,
    is_bot: !!u.isBot,
    profile: { real_name: u.name, display_name: u.name.split(/\s+/)[0], ...(u.email && has('users:read.email') ? { email: u.email } : {}) },
  });
  const missingScope = (method: string): Record<string, any> | null => {
    const needed = METHOD_SCOPES[method];
    if (!needed || needed.some(has)) return null;
    return { ok: false, error: 'missing_scope', needed: needed.join(','), provided: scopes.join(',') };
  };
  /** chat.postMessage's channel rules, for channels a test described. */
  const channelProblem = (channelId: unknown): string | null => {
    const c = typeof channelId === 'string' ? channels.get(channelId) : undefined;
    if (!c) return null;
    if (c.isArchived) return 'is_archived';
    if (c.isMember) return null;
    if (c.isPrivate) return 'channel_not_found';
    return has('chat:write.public') ? null : 'not_in_channel';
  };

  const answer = (method: string, args: Record<string, any>): Record<string, any> => {
    const scopeError = missingScope(method);
    if (scopeError) return scopeError;
    switch (method) {
      case 'users.info': {
        const u = users.get(String(args.user ?? ''));
        return u ? { ok: true, user: userObject(u) } : { ok: false, error: 'user_not_found' };
      }
      case 'users.lookupByEmail': {
        const email = String(args.email ?? '').trim().toLowerCase();
        const u = [...users.values()].find((x) => !x.deleted && x.email?.toLowerCase() === email);
        return u ? { ok: true, user: userObject(u) } : { ok: false, error: 'users_not_found' };
      }
      case 'conversations.info': {
        const c = channels.get(String(args.channel ?? ''));
        // A private channel the bot is not in does not exist as far as the bot can tell.
        if (!c || (c.isPrivate && !c.isMember)) return { ok: false, error: 'channel_not_found' };
        if (c.isPrivate ? !has('groups:read') : !has('channels:read')) {
          return { ok: false, error: 'missing_scope', needed: c.isPrivate ? 'groups:read' : 'channels:read', provided: scopes.join(',') };
        }
        return {
          ok: true,
          channel: { id: c.id, name: c.name, is_channel: !c.isPrivate, is_private: !!c.isPrivate, is_member: !!c.isMember, is_archived: !!c.isArchived },
        };
      }
      case 'auth.test':
        return { ok: true, url: 'https://camden.example/', team: 'Camden', user: 'camdenbot', team_id: FAKE_TEAM, user_id: FAKE_BOT_USER, bot_id: 'B0BOT0001' };
      case 'chat.postMessage': {
        const problem = channelProblem(args.channel);
        if (problem) return { ok: false, error: problem };
        const ts = nextTs();
        return { ok: true, channel: args.channel, ts, message: { text: args.text, ts, bot_id: 'B0BOT0001' } };
      }
      case 'chat.postEphemeral':
        return { ok: true, message_ts: nextTs() };
      case 'conversations.open':
        return { ok: true, channel: { id: `D${String(args.users ?? 'X').replace(/^U/, '')}` } };
      case 'views.open':
      case 'views.publish':
      case 'views.update':
        return { ok: true, view: { id: `V${String(++viewCounter).padStart(8, '0')}`, ...(args.view ?? {}) } };
      case 'apps.connections.open':
        return { ok: true, url: `${baseUrl.replace('http:', 'ws:')}/socket` };
      case 'files.getUploadURLExternal': {
        const id = `F${String(++fileCounter).padStart(8, '0')}`;
        return { ok: true, upload_url: `${baseUrl}/upload/${id}`, file_id: id };
      }
      case 'files.completeUploadExternal':
        return { ok: true, files: (Array.isArray(args.files) ? args.files : []).map((f: { id: string; title?: string }) => ({ id: f.id, title: f.title })) };
      default:
        return { ok: true };
    }
  };

  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const buf = Buffer.concat(chunks);
      const raw = buf.toString('utf8');
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const isRespond = url.pathname.startsWith('/respond/');
      const method = isRespond ? `response_url:${url.pathname.slice('/respond/'.length)}` : url.pathname.replace(/^\/(api\/)?/, '');
      const isUpload = url.pathname.startsWith('/upload/');
      const args = isUpload ? { bytes: buf.length, pngSignature: buf.includes(Buffer.from('89504e470d0a1a0a', 'hex')) } : parseBody(raw, req.headers['content-type']);
      calls.push({ method, args, headers: req.headers, at: Date.now() });
      const key = isRespond ? 'response_url' : method;
      const queued = failures.get(key);
      const scripted = queued?.shift();
      const failure = scripted?.kind === 'pass' ? undefined : scripted;
      if (failure) {
        if (failure.kind === 'hang') {
          hanging.add(res);
          res.on('close', () => hanging.delete(res));
          return;
        }
        if (failure.kind === 'ratelimited') {
          res.writeHead(429, { 'Retry-After': String(failure.retryAfterSeconds), 'Content-Type': 'application/json' });
          res.end(JSON.stringify({ ok: false, error: 'ratelimited' }));
          return;
        }
        if (failure.kind === 'http') {
          res.writeHead(failure.status, { 'Content-Type': 'text/plain' });
          res.end('upstream error');
          return;
        }
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ ok: false, error: failure.error }));
        return;
      }
      const refusedAs = isUpload ? null : refusal(method, args);
      if (refusedAs) {
        refused.push({ method, ...refusedAs });
        if (isRespond) {
          res.writeHead(400, { 'Content-Type': 'text/plain' });
          res.end(refusedAs.error);
          return;
        }
        const messages = refusedAs.problems.map((p) => `[ERROR] ${p}`);
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ ok: false, error: refusedAs.error, errors: refusedAs.problems, response_metadata: { messages } }));
        return;
      }
      res.writeHead(200, { 'Content-Type': 'application/json', ...(isRespond || isUpload ? {} : { 'x-oauth-scopes': scopes.join(',') }) });
      res.end(JSON.stringify(isRespond ? { ok: true } : answer(method, args)));
    });
  });
  const sockets: FakeSocket[] = [];
  server.on('upgrade', (req, socket) => {
    if (!req.url?.startsWith('/socket')) {
      socket.destroy();
      return;
    }
    const ws = acceptWebSocket(req, socket, () => undefined);
    sockets.push(ws);
    ws.sendJson({ type: 'hello', num_connections: 1, connection_info: { app_id: 'A0CAMDEN01' } });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const base = `http://127.0.0.1:${port}`;
  baseUrl = base;

  return {
    apiUrl: `${base}/api/`,
    responseUrlBase: `${base}/respond`,
    calls,
    refused,
    sockets,
    scopes,
    users,
    channels,
    addUser: (u) => void users.set(u.id, u),
    addChannel: (c) => void channels.set(c.id, c),
    callsTo: (method) => calls.filter((c) => c.method === method || (method === 'response_url' && c.method.startsWith('response_url:'))),
    failNext(method, failure, times = 1) {
      const list = failures.get(method) ?? [];
      for (let i = 0; i < times; i++) list.push(failure);
      failures.set(method, list);
    },
    async waitFor(predicate, timeoutMs = 15_000) {
      await waitFor(() => predicate(calls), {
        what: 'fake Slack: the calls awaited',
        timeout: timeoutMs,
        detail: () => `calls: ${calls.map((c) => c.method).join(', ')}`,
      });
    },
    reset() {
      calls.length = 0;
      refused.length = 0;
      failures.clear();
    },
    async close() {
      for (const res of hanging) res.destroy();
      for (const ws of sockets) ws.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      if (refused.length) {
        const list = refused.map((r) => `${r.method} ${r.error}: ${r.problems.slice(0, 5).join('; ')}`).join('\n');
        throw new Error(`fake Slack refused ${refused.length} payload(s) real Slack would refuse:\n${list}`);
      }
    },
  };
}
