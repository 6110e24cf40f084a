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

/** botbuilder's CloudAdapter (teams-ai's subclass) configured from MICROSOFT_APP_* via ConfigurationBotFrameworkAuthentication. */
export function createBotAdapter(config: TeamsConfig, logger: Logger, openIdMetadataUrl?: string): TeamsAdapter {
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
    MicrosoftAppType: config.MICROSOFT_APP_TYPE,
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
  rejectBadSignaturesAs401(adapter);
  return adapter;
}

const JWT_ERRORS = new Set(['JsonWebTokenError', 'TokenExpiredError', 'NotBeforeError']);

/**
 * botbuilder lets a token whose signature does not verify escape as a plain JsonWebTokenError, which CloudAdapter
 * answers with 500 (and the Bot Connector would retry). A bad token is the caller's fault: answer 401.
 */
function rejectBadSignaturesAs401(adapter: TeamsAdapter): void {
  const auth = (adapter as unknown as { botFrameworkAuthentication: BotFrameworkAuthentication }).botFrameworkAuthentication;
  const authenticate = auth.authenticateRequest.bind(auth);
  auth.authenticateRequest = async (activity, authHeader) => {
    try {
      return await authenticate(activity, authHeader);
    } catch (err) {
      const name = (err as { name?: string })?.name;
      if (name && JWT_ERRORS.has(name)) {
        throw new AuthenticationError(`Unauthorized: ${(err as Error).message}`, 401);
      }
      throw err;
    }
  };
}
