import { AsyncLocalStorage } from 'node:async_hooks';
import { TeamsAdapter } from '@microsoft/teams-ai';
import { CallerIdConstants } from 'botbuilder';
import { AuthenticationConstants, AuthenticationError, type BotFrameworkAuthentication } from 'botframework-connector';
import { AppError } from '../../src/errors.js';
import type { Logger } from '../../src/logger.js';
import { isProductionEnv } from '../../src/config.js';
import type { TeamsConfig } from './deps.js';
import { teamsAuthMode } from './mode.js';

export { teamsAuthMode, type TeamsAuthMode } from './mode.js';

/** A Teams setting botbuilder would refuse at construction, said in our words. */
export class TeamsConfigError extends AppError {
  constructor(message: string) {
    super('config_invalid', `Teams: ${message}`);
  }
}

/** What the sign-in check of one request came to, when it could not give a verdict (read by the response guard). */
export interface AuthCheckState {
  /** Microsoft's keys could not be had in time (host slow or down): answer 503, the caller may try again. */
  unavailable: boolean;
}

const authChecks = new AsyncLocalStorage<AuthCheckState>();

/** Run one request's processing with its own sign-in check state. */
export function withAuthCheck<T>(state: AuthCheckState, fn: () => Promise<T>): Promise<T> {
  return authChecks.run(state, fn);
}

/** Default longest wait for the sign-in check (Microsoft's OpenID metadata and keys), ms. */
export const AUTH_TIMEOUT_MS = 10_000;

/** botbuilder's CloudAdapter (teams-ai's subclass) configured from MICROSOFT_APP_* via ConfigurationBotFrameworkAuthentication. */
export function createBotAdapter(config: TeamsConfig, logger: Logger, openIdMetadataUrl?: string, authTimeoutMs = AUTH_TIMEOUT_MS): TeamsAdapter {
  const mode = teamsAuthMode(config);
  if (mode === 'authenticated' && config.MICROSOFT_APP_TYPE === 'UserAssignedMSI') {
    // botbuilder asserts these with terse messages at construction; say what to change instead.
    if (!config.MICROSOFT_APP_TENANT_ID) {
      throw new TeamsConfigError('MICROSOFT_APP_TENANT_ID is required when MICROSOFT_APP_TYPE=UserAssignedMSI');
    }
    if (config.MICROSOFT_APP_PASSWORD) {
      throw new TeamsConfigError('MICROSOFT_APP_PASSWORD must be empty when MICROSOFT_APP_TYPE=UserAssignedMSI (the managed identity signs in)');
    }
  }
  if (mode === 'local-dev') {
    logger.warn(
      { mode },
      '!!! TEAMS_LOCAL_DEV=true and no MICROSOFT_APP_ID: /api/messages accepts UNAUTHENTICATED requests. ' +
        'Use only with a local emulator (Agents Playground); never expose this server.',
    );
    if (isProductionEnv(config.NODE_ENV)) {
      logger.warn({ mode }, '!!! TEAMS_LOCAL_DEV is on with NODE_ENV=production: anyone who can reach /api/messages can act as any Teams user.');
    }
  } else if (mode === 'authenticated' && config.TEAMS_LOCAL_DEV) {
    logger.warn({ mode }, 'TEAMS_LOCAL_DEV is ignored because MICROSOFT_APP_ID is set: requests must be authenticated.');
  }
  const adapter = new TeamsAdapter({
    MicrosoftAppId: config.MICROSOFT_APP_ID ?? '',
    MicrosoftAppPassword: config.MICROSOFT_APP_PASSWORD ?? '',
    MicrosoftAppTenantId: config.MICROSOFT_APP_TENANT_ID ?? '',
    // Without an app id (local development) there are no credentials, whose type botbuilder would check.
    MicrosoftAppType: config.MICROSOFT_APP_ID ? config.MICROSOFT_APP_TYPE : 'MultiTenant',
    // Overriding one endpoint makes botbuilder treat the cloud as custom, so the rest of the public cloud's
    // endpoints are spelled out with it.
    ...(openIdMetadataUrl
      ? {
          ToChannelFromBotLoginUrl: AuthenticationConstants.ToChannelFromBotLoginUrl,
          ToChannelFromBotOAuthScope: AuthenticationConstants.ToChannelFromBotOAuthScope,
          ToBotFromChannelTokenIssuer: AuthenticationConstants.ToBotFromChannelTokenIssuer,
          OAuthUrl: AuthenticationConstants.OAuthUrl,
          CallerId: CallerIdConstants.PublicAzureChannel,
          ValidateAuthority: true,
          ToBotFromChannelOpenIdMetadataUrl: openIdMetadataUrl,
          ToBotFromEmulatorOpenIdMetadataUrl: openIdMetadataUrl,
        }
      : {}),
  });
  guardAuthentication(adapter, logger, authTimeoutMs);
  return adapter;
}

const JWT_ERRORS = new Set(['JsonWebTokenError', 'TokenExpiredError', 'NotBeforeError']);

class SignInCheckTimeout extends Error {
  constructor(ms: number) {
    super(`the sign-in check took over ${ms} ms`);
    this.name = 'SignInCheckTimeout';
  }
}

function within<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    p,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new SignInCheckTimeout(ms)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

/**
 * The caller's fault or not. botbuilder lets a token whose signature does not verify escape as a plain
 * JsonWebTokenError, which CloudAdapter answers with 500 (and the Bot Connector would retry): a bad token is 401.
 * And it waits for Microsoft's OpenID metadata with no limit, answering 500 with the fetch error's text when the
 * host is down: the wait is bounded, and a check that cannot be made is "unavailable" (503, no internals), not a
 * verdict on the token.
 */
function guardAuthentication(adapter: TeamsAdapter, logger: Logger, timeoutMs: number): void {
  const auth = (adapter as unknown as { botFrameworkAuthentication: BotFrameworkAuthentication }).botFrameworkAuthentication;
  const authenticate = auth.authenticateRequest.bind(auth);
  auth.authenticateRequest = async (activity, authHeader) => {
    try {
      return await within(authenticate(activity, authHeader), timeoutMs);
    } catch (err) {
      const name = (err as { name?: string })?.name;
      if (name && JWT_ERRORS.has(name)) throw new AuthenticationError(`Unauthorized: ${(err as Error).message}`, 401);
      const status = (err as { statusCode?: number })?.statusCode;
      if (err instanceof AuthenticationError && (status === 401 || status === 403)) throw err;
      const state = authChecks.getStore();
      if (state) state.unavailable = true;
      logger.warn({ reason: (err as Error)?.message }, 'Teams sign-in could not be checked (Microsoft OpenID metadata slow or unreachable); answered 503');
      throw new AuthenticationError('Sign-in check unavailable', 503);
    }
  };
}
