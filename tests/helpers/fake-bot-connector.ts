import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { waitFor } from './wait.js';
import { activityProblems } from './adaptive-card-rules.js';

/** One call the bot made to the Bot Connector service. */
export interface ConnectorCall {
  method: string;
  /** 'send' (new message), 'reply', 'update', 'createConversation', 'member' (roster lookup) or 'other'. */
  kind: 'send' | 'reply' | 'update' | 'createConversation' | 'member' | 'other';
  conversationId: string | null;
  /** For replies and updates: the activity id in the URL. */
  activityId: string | null;
  body: any;
  authorization: string | undefined;
  /** Id the fake gave the stored activity (sends and replies), or null when it answered with an error. */
  id: string | null;
  status: number;
}

export interface ScriptedFailure {
  /** HTTP status to answer with; 0 with `reset` (no answer). */
  status: number;
  /** Take the request, then cut the connection without answering (the message may or may not have been stored). */
  reset?: boolean;
  headers?: Record<string, string>;
  body?: unknown;
  /** Only calls carrying an activity of this type count (e.g. 'message', so a typing indicator passes). */
  activityType?: string;
  /** Only calls of this kind count; roster lookups ('member') fail only when named here. */
  kind?: ConnectorCall['kind'];
}

/** An activity the fake refused as Teams would (size, unreadable or unrenderable card). */
export interface RefusedActivity {
  kind: ConnectorCall['kind'];
  status: number;
  problems: string[];
}

/** A conversation member as Teams' roster API returns it (TeamsChannelAccount). */
export interface FakeTeamsMember {
  /** The Bot Framework id, "29:…". */
  id: string;
  aadObjectId: string;
  name: string;
  email?: string;
  userPrincipalName?: string;
  tenantId?: string;
}

/** An Entra app registration the fake token endpoint knows. */
export interface FakeAppRegistration {
  appId: string;
  secret: string;
  /** Tenant the app lives in. */
  tenantId: string;
  /** 'MultiTenant' apps may also get tokens through the botframework.com authority; 'SingleTenant' only through their tenant. */
  type: 'SingleTenant' | 'MultiTenant';
  /** The secret has expired (AADSTS7000222). */
  expired?: boolean;
}

export interface FakeBotConnector {
  /** Base URL to use as an activity's serviceUrl, e.g. http://127.0.0.1:PORT/ */
  readonly serviceUrl: string;
  readonly calls: ConnectorCall[];
  /** Activities refused for breaking Teams' rules (every test should leave this empty, or clear it). */
  readonly refused: RefusedActivity[];
  /** Calls that succeeded and carried a message (not typing). */
  messages(conversationId?: string): ConnectorCall[];
  /** The next `count` calls to a conversation (any conversation when omitted) fail as given. */
  failNext(count: number, failure: ScriptedFailure, conversationId?: string): void;
  /** Every call to this conversation fails as given until cleared. */
  failAlways(conversationId: string, failure: ScriptedFailure | null): void;
  /** Wait (bounded) until `predicate` holds for the recorded calls; throws with what was recorded otherwise. */
  waitFor(predicate: (calls: ConnectorCall[]) => boolean, what: string, timeoutMs?: number): Promise<void>;
  /** Serve these JSON documents at these paths (e.g. OpenID metadata and keys for auth tests). */
  serveJson(path: string, body: unknown): void;
  /**
   * Make `member` part of a conversation's roster (a personal chat's id, or a team's id for channel conversations,
   * as TeamsInfo.getMember asks). GET /v3/conversations/{id}/members/{memberId} answers them by their "29:" id or AAD
   * object id, and 404 MemberNotFoundInConversation for anyone not added, as Teams does.
   */
  addMember(conversationId: string, member: FakeTeamsMember): void;
  /**
   * Entra's token endpoint for client credentials: POST {serviceUrl}{tenant}/oauth2/v2.0/token answers a token for a
   * registered app with the right secret, or the AADSTS error Entra gives (unknown tenant, app not in that tenant,
   * wrong or expired secret).
   */
  registerApp(app: FakeAppRegistration): void;
  reset(): void;
  /** Stops the fake; rejects when an activity was refused and the test did not clear `refused`. */
  close(): Promise<void>;
}

/**
 * A local stand-in for the Bot Connector REST API (v3) on 127.0.0.1: records every call the bot's
 * connector client makes and answers like the real service, or with scripted failures (403, 429, 5xx).
 */
export async function startFakeBotConnector(): Promise<FakeBotConnector> {
  const calls: ConnectorCall[] = [];
  const refused: RefusedActivity[] = [];
  const queued: { failure: ScriptedFailure; conversationId?: string; left: number }[] = [];
  const always = new Map<string, ScriptedFailure>();
  const json = new Map<string, unknown>();
  const rosters = new Map<string, FakeTeamsMember[]>();
  const apps: FakeAppRegistration[] = [];
  let seq = 0;

  const server: Server = createServer((req, res) => {
    readBody(req).then(
      (raw) => handle(req, res, raw),
      () => send(res, 400, { error: { code: 'BadRequest', message: 'unreadable body' } }),
    );
  });

  function handle(req: IncomingMessage, res: ServerResponse, raw: string) {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (req.method === 'GET' && json.has(url.pathname)) return send(res, 200, json.get(url.pathname));
    const token = /^\/([^/]+)\/oauth2\/v2\.0\/token$/.exec(url.pathname);
    if (token && req.method === 'POST') return tokenAnswer(res, decodeURIComponent(token[1]!), new URLSearchParams(raw));
    const member = /^\/v3\/conversations\/([^/]+)\/members(?:\/([^/]+))?\/?$/.exec(url.pathname);
    if (member && req.method === 'GET') {
      const conversationId = decodeURIComponent(member[1]!);
      const call: ConnectorCall = { method: 'GET', kind: 'member', conversationId, activityId: null, body: null, authorization: req.headers.authorization, id: null, status: 200 };
      calls.push(call);
      const failure = takeFailure(conversationId, null, 'member');
      if (failure) {
        call.status = failure.status;
        return send(res, failure.status, failure.body ?? { error: { code: 'Failure', message: `scripted ${failure.status}` } }, failure.headers);
      }
      const roster = rosters.get(conversationId) ?? [];
      if (!member[2]) return send(res, 200, roster.map(memberJson));
      const wanted = decodeURIComponent(member[2]);
      const found = roster.find((m) => m.id === wanted || m.aadObjectId === wanted);
      if (!found) {
        call.status = 404;
        return send(res, 404, { error: { code: 'MemberNotFoundInConversation', message: 'The member could not be found in the conversation.' } });
      }
      call.id = found.id;
      return send(res, 200, memberJson(found));
    }

    const m = /^\/v3\/conversations(?:\/([^/]+)(?:\/activities(?:\/([^/]+))?)?)?\/?$/.exec(url.pathname);
    const conversationId = m?.[1] ? decodeURIComponent(m[1]) : null;
    const activityId = m?.[2] ? decodeURIComponent(m[2]) : null;
    let kind: ConnectorCall['kind'] = 'other';
    if (m && req.method === 'POST' && !m[1]) kind = 'createConversation';
    else if (m && req.method === 'POST' && conversationId && !activityId && url.pathname.endsWith('/activities')) kind = 'send';
    else if (m && req.method === 'POST' && activityId) kind = 'reply';
    else if (m && req.method === 'PUT' && activityId) kind = 'update';

    let body: any = null;
    try {
      body = raw ? JSON.parse(raw) : null;
    } catch {
      body = raw;
    }
    const call: ConnectorCall = {
      method: req.method ?? 'GET',
      kind,
      conversationId,
      activityId,
      body,
      authorization: req.headers.authorization,
      id: null,
      status: 200,
    };
    calls.push(call);

    const failure = takeFailure(conversationId, typeof body?.type === 'string' ? body.type : null, kind);
    if (failure?.reset) {
      call.status = 0;
      req.socket.destroy();
      return;
    }
    if (failure) {
      call.status = failure.status;
      return send(res, failure.status, failure.body ?? { error: { code: 'Failure', message: `scripted ${failure.status}` } }, failure.headers);
    }
    if (kind === 'send' || kind === 'reply' || kind === 'update') {
      const check = activityProblems(body, Buffer.byteLength(raw));
      if (check.tooLarge || check.problems.length) {
        const status = check.tooLarge ? 413 : 400;
        call.status = status;
        refused.push({ kind, status, problems: check.problems });
        const code = check.tooLarge ? 'MessageSizeTooBig' : 'BadArgument';
        return send(res, status, { error: { code, message: check.problems.slice(0, 5).join('; ') } });
      }
    }
    if (kind === 'createConversation') {
      const id = `a:fake-${++seq}`;
      call.id = id;
      return send(res, 200, { id, activityId: `act-${seq}` });
    }
    if (kind === 'send' || kind === 'reply') {
      const id = `act-${++seq}`;
      call.id = id;
      return send(res, 200, { id });
    }
    if (kind === 'update') {
      call.id = activityId;
      return send(res, 200, { id: activityId });
    }
    call.status = 404;
    return send(res, 404, { error: { code: 'NotFound', message: `no fake for ${req.method} ${url.pathname}` } });
  }

  function memberJson(m: FakeTeamsMember) {
    return {
      id: m.id,
      name: m.name,
      aadObjectId: m.aadObjectId,
      givenName: m.name.split(/\s+/)[0],
      surname: m.name.split(/\s+/).slice(1).join(' ') || undefined,
      ...(m.email ? { email: m.email } : {}),
      ...(m.userPrincipalName ? { userPrincipalName: m.userPrincipalName } : {}),
      tenantId: m.tenantId,
      userRole: 'user',
    };
  }

  /** Entra's client-credentials token endpoint, with the errors it gives for the usual set-up mistakes. */
  function tokenAnswer(res: ServerResponse, authority: string, form: URLSearchParams) {
    const fail = (code: number, error: string, description: string) =>
      send(res, code === 90002 ? 400 : 401, { error, error_description: `AADSTS${code}: ${description}`, error_codes: [code] });
    const appId = form.get('client_id') ?? '';
    if (form.get('grant_type') !== 'client_credentials') return send(res, 400, { error: 'unsupported_grant_type', error_codes: [70003] });
    const known = new Set(apps.map((a) => a.tenantId));
    if (authority !== 'botframework.com' && !known.has(authority)) {
      return fail(90002, 'invalid_request', `Tenant '${authority}' not found. Check to make sure you have the correct tenant ID.`);
    }
    const app = apps.find(
      (a) => a.appId === appId && (a.tenantId === authority || (authority === 'botframework.com' && a.type === 'MultiTenant')),
    );
    if (!app) {
      return fail(700016, 'unauthorized_client', `Application with identifier '${appId}' was not found in the directory '${authority === 'botframework.com' ? 'Bot Framework' : authority}'.`);
    }
    if (form.get('client_secret') !== app.secret) return fail(7000215, 'invalid_client', 'Invalid client secret provided.');
    if (app.expired) return fail(7000222, 'invalid_client', `The provided client secret keys for app '${appId}' are expired.`);
    return send(res, 200, { token_type: 'Bearer', expires_in: 3599, ext_expires_in: 3599, access_token: `fake-token-${appId}` });
  }

  function takeFailure(conversationId: string | null, activityType: string | null, kind?: ConnectorCall['kind']): ScriptedFailure | null {
    if (conversationId && always.has(conversationId)) return always.get(conversationId)!;
    const i = queued.findIndex(
      (q) =>
        q.left > 0 &&
        (!q.conversationId || q.conversationId === conversationId) &&
        (!q.failure.activityType || q.failure.activityType === activityType) &&
        // Roster lookups fail only when a test says so, so failures scripted for messages still reach the messages.
        (q.failure.kind === undefined ? kind !== 'member' : q.failure.kind === kind),
    );
    if (i < 0) return null;
    const q = queued[i]!;
    q.left -= 1;
    if (q.left === 0) queued.splice(i, 1);
    return q.failure;
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    serviceUrl: `http://127.0.0.1:${port}/`,
    calls,
    refused,
    messages(conversationId) {
      return calls.filter(
        (c) =>
          (c.kind === 'send' || c.kind === 'reply') &&
          c.status < 300 &&
          c.body?.type === 'message' &&
          (!conversationId || c.conversationId === conversationId),
      );
    },
    failNext(count, failure, conversationId) {
      queued.push({ failure, conversationId, left: count });
    },
    failAlways(conversationId, failure) {
      if (failure) always.set(conversationId, failure);
      else always.delete(conversationId);
    },
    async waitFor(predicate, what, timeoutMs = 20_000) {
      await waitFor(() => predicate(calls), {
        what: `fake Bot Connector: ${what}`,
        timeout: timeoutMs,
        detail: () => `recorded:\n${JSON.stringify(calls.map((c) => ({ kind: c.kind, status: c.status, type: c.body?.type, text: c.body?.text })), null, 1)}`,
      });
    },
    serveJson(path, body) {
      json.set(path, body);
    },
    addMember(conversationId, m) {
      const list = rosters.get(conversationId) ?? [];
      rosters.set(conversationId, [...list.filter((x) => x.id !== m.id), m]);
    },
    registerApp(app) {
      apps.push(app);
    },
    reset() {
      calls.length = 0;
      refused.length = 0;
      queued.length = 0;
      always.clear();
    },
    async close() {
      await new Promise<void>((resolve) => {
        server.closeAllConnections?.();
        server.close(() => resolve());
      });
      if (refused.length) {
        const list = refused.map((r) => `${r.kind} ${r.status}: ${r.problems.slice(0, 5).join('; ')}`).join('\n');
        throw new Error(`fake Bot Connector refused ${refused.length} activit(ies) Teams would refuse or fail to show:\n${list}`);
      }
    },
  };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > 5_000_000) {
        reject(new Error('body too large'));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  const payload = JSON.stringify(body ?? {});
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload), ...headers });
  res.end(payload);
}
