import type { Application, TeamsAdapter } from '@microsoft/teams-ai';
import type { Request, Response } from 'botbuilder';
import type { Notifier } from '../../src/bot/notifier.js';
import { createTeamsApplication } from './application.js';
import { createBotAdapter, teamsAuthMode, withAuthCheck, type AuthCheckState, type TeamsAuthMode } from './auth.js';
import { replyRetriesMiddleware } from './reply-retries.js';
import type { TeamsAdapterDeps } from './deps.js';
import { TeamsNotifier } from './notifier.js';
import { refuseUnconfigured } from './off.js';
import { localHostRefusal, localServiceUrlRefusal, mediaTypeRefusal, originRefusal } from './request-guard.js';

export type { TeamsAdapterDeps, TeamsConversationsPort, TeamsUser, SendPolicyOptions, AnswerMessagesPort } from './deps.js';
export { teamsAuthMode, type TeamsAuthMode } from './auth.js';
export { TeamsNotifier, GLOBAL_TEAMS_SERVICE_URL } from './notifier.js';

/** Largest activity accepted (Teams caps messages near 100 KB; a card submit is far smaller). */
const MAX_BODY_BYTES = 1_000_000;

/** Minimal Express-style request/response, as the server passes them. */
export type HttpRequest = Request & NodeJS.ReadableStream;
export type HttpResponse = Response & {
  header(name: string, value: string): unknown;
  headersSent?: boolean;
};

export interface TeamsBot {
  /** POST /api/messages handler (Express 5 request/response). Never throws. */
  handle(req: HttpRequest, res: HttpResponse): Promise<void>;
  notifier: Notifier;
  mode: TeamsAuthMode;
  /** For health reporting: 'ok' when the endpoint accepts traffic, 'disabled' when it refuses everything. */
  status(): 'ok' | 'local-dev' | 'disabled';
  readonly application: Application;
  readonly adapter: TeamsAdapter;
}

/**
 * Microsoft Teams adapter: teams-ai Application on botbuilder's CloudAdapter. Mount `handle` at POST /api/messages;
 * give `notifier` to the jobs.
 */
export function createTeamsAdapter(deps: TeamsAdapterDeps): TeamsBot {
  const mode = teamsAuthMode(deps.config);
  const logger = deps.logger;
  const adapter = createBotAdapter(deps.config, logger, deps.openIdMetadataUrl, deps.authTimeoutMs);
  adapter.use(replyRetriesMiddleware(adapter.ConnectorClientKey));
  const application = createTeamsApplication(adapter, deps);
  const notifier = new TeamsNotifier({
    adapter,
    appId: deps.config.MICROSOFT_APP_ID ?? '',
    tenantId: deps.config.MICROSOFT_APP_TENANT_ID,
    conversations: deps.conversations,
    logger,
    channelServiceUrl: deps.channelServiceUrl,
    sendPolicy: deps.sendPolicy,
  });
  if (mode === 'refuse') {
    logger.info('Teams: MICROSOFT_APP_ID is not set, so /api/messages refuses all traffic (set TEAMS_LOCAL_DEV=true for the local playground)');
  }

  async function handle(req: HttpRequest, res: HttpResponse): Promise<void> {
    try {
      if (mode === 'refuse') {
        refuseUnconfigured(res);
        return;
      }
      const refusal =
        originRefusal(header(req, 'origin'), header(req, 'host')) ??
        (mode === 'local-dev' ? localHostRefusal(header(req, 'host')) : null) ??
        mediaTypeRefusal(header(req, 'content-type'));
      if (refusal) {
        logger.warn({ status: refusal.status, mode }, `Teams request refused: ${refusal.message}`);
        res.header('Connection', 'close');
        res.status(refusal.status);
        res.send({ error: refusal.status === 415 ? 'unsupported_media_type' : 'forbidden', message: refusal.message });
        res.end();
        return;
      }
      if (mode === 'authenticated' && !/^Bearer [\w-]+\.[\w-]+\.[\w-]*$/.test(String(req.headers?.authorization ?? ''))) {
        // No Bot Framework token at all: refused here, before botbuilder (which writes every refusal to stderr).
        logger.debug('Teams request without a bearer token refused');
        res.header('Connection', 'close');
        res.status(401);
        res.send({ error: 'unauthorised', message: 'A Bot Framework bearer token is required.' });
        res.end();
        return;
      }
      if (req.body === undefined || req.body === null) {
        const parsed = await readJson(req);
        if (!parsed.ok) {
          if (parsed.status === 413) res.header('Connection', 'close');
          res.status(parsed.status);
          res.send({ error: 'bad_request', message: parsed.message });
          res.end();
          return;
        }
        req.body = parsed.value as Record<string, unknown>;
      }
      // botbuilder and teams-ai assume these fields; without them a turn throws (500) instead of refusing (400).
      const problem = activityProblem(req.body);
      if (problem) {
        res.status(400);
        res.send({ error: 'bad_request', message: problem });
        res.end();
        return;
      }
      const serviceRefusal = mode === 'local-dev' ? localServiceUrlRefusal((req.body as { serviceUrl?: unknown }).serviceUrl) : null;
      if (serviceRefusal) {
        logger.warn({ mode }, `Teams request refused: ${serviceRefusal.message}`);
        res.status(serviceRefusal.status);
        res.send({ error: serviceRefusal.status === 400 ? 'bad_request' : 'forbidden', message: serviceRefusal.message });
        res.end();
        return;
      }
      const check: AuthCheckState = { unavailable: false };
      await withAuthCheck(check, () =>
        adapter.process(req, plainErrors(res, check), async (context) => {
          await application.run(context);
        }),
      );
    } catch (err) {
      logger.error({ err }, 'Teams request failed');
      if (!res.headersSent) {
        res.status(500);
        res.send({ error: 'internal' });
        res.end();
      }
    }
  }

  return {
    handle,
    notifier,
    mode,
    status: () => (mode === 'refuse' ? 'disabled' : mode === 'local-dev' ? 'local-dev' : 'ok'),
    application,
    adapter,
  };
}

async function readJson(req: NodeJS.ReadableStream): Promise<{ ok: true; value: unknown } | { ok: false; status: 400 | 413; message: string }> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    size += buf.length;
    if (size > MAX_BODY_BYTES) return { ok: false, status: 413, message: 'Activity too large.' };
    chunks.push(buf);
  }
  try {
    return { ok: true, value: JSON.parse(Buffer.concat(chunks).toString('utf8')) };
  } catch {
    return { ok: false, status: 400, message: 'Body must be a JSON Bot Framework activity.' };
  }
}

/** What a Bot Framework activity must carry for a turn to run: a type, the channel's URL and the parties. */
function activityProblem(body: unknown): string | null {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return 'Body must be a JSON Bot Framework activity.';
  const a = body as Record<string, unknown>;
  const id = (v: unknown) => !!v && typeof v === 'object' && typeof (v as { id?: unknown }).id === 'string' && (v as { id: string }).id !== '';
  const missing = [
    typeof a.type === 'string' && a.type !== '' ? null : 'type',
    typeof a.serviceUrl === 'string' && a.serviceUrl !== '' ? null : 'serviceUrl',
    id(a.conversation) ? null : 'conversation.id',
    id(a.from) ? null : 'from.id',
    id(a.recipient) ? null : 'recipient.id',
  ].filter((m): m is string => m !== null);
  return missing.length ? `Activity is missing ${missing.join(', ')}.` : null;
}

function header(req: HttpRequest, name: string): string | undefined {
  const v = req.headers?.[name];
  return Array.isArray(v) ? v[0] : v;
}

/**
 * botbuilder writes its errors' messages into the response (fetch errors, key service URLs, stack-ish text). The
 * caller gets a status and a code only: 401 unauthorised, 503 when the sign-in check could not be made (Retry-After),
 * 500 internal. Successful responses (invoke results) pass through untouched.
 */
function plainErrors(res: HttpResponse, check: AuthCheckState): HttpResponse {
  let status = 200;
  return new Proxy(res, {
    get(target, prop, receiver) {
      if (prop === 'status') {
        return (code: number) => {
          status = check.unavailable ? 503 : code;
          if (status === 503) target.header('Retry-After', '30');
          return target.status(status);
        };
      }
      if (prop === 'send') {
        return (body?: unknown) => {
          if (status < 400) return target.send(body);
          if (status === 503) return target.send({ error: 'unavailable', message: 'The Teams sign-in check is briefly unavailable; try again shortly.' });
          return target.send({ error: status === 401 || status === 403 ? 'unauthorised' : status < 500 ? 'bad_request' : 'internal' });
        };
      }
      const value = Reflect.get(target, prop, receiver) as unknown;
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}
