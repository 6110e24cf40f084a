import { TeamsAdapter } from '@microsoft/teams-ai';
import type { Logger } from '../../src/logger.js';
import type { TeamsConfig } from './deps.js';

/**
 * - `authenticated`: an app id is set; every request must carry a valid Bot Framework JWT.
 * - `local-dev`: no app id and TEAMS_LOCAL_DEV=true; unauthenticated traffic from a local emulator is accepted.
 * - `refuse`: no app id and no TEAMS_LOCAL_DEV; /api/messages answers 401 to everything.
 */
export type TeamsAuthMode = 'authenticated' | 'local-dev' | 'refuse';

export function teamsAuthMode(config: TeamsConfig): TeamsAuthMode {
  if (config.MICROSOFT_APP_ID) return 'authenticated';
  return config.TEAMS_LOCAL_DEV ? 'local-dev' : 'refuse';
}

/** botbuilder's CloudAdapter (teams-ai's subclass) configured from MICROSOFT_APP_* via ConfigurationBotFrameworkAuthentication. */
export function createBotAdapter(config: TeamsConfig, logger: Logger, openIdMetadataUrl?: string): TeamsAdapter {
  const mode = teamsAuthMode(config);
  if (mode === 'local-dev') {
    logger.warn(
      { mode },
      '!!! TEAMS_LOCAL_DEV=true and no MICROSOFT_APP_ID: /api/messages accepts UNAUTHENTICATED requests. ' +
        'Use only with a local emulator (Agents Playground); never expose this server.',
    );
    if (config.NODE_ENV === 'production') {
      logger.warn({ mode }, '!!! TEAMS_LOCAL_DEV is on with NODE_ENV=production: anyone who can reach /api/messages can act as any Teams user.');
    }
  } else if (mode === 'authenticated' && config.TEAMS_LOCAL_DEV) {
    logger.warn({ mode }, 'TEAMS_LOCAL_DEV is ignored because MICROSOFT_APP_ID is set: requests must be authenticated.');
  }
  return new TeamsAdapter({
    MicrosoftAppId: config.MICROSOFT_APP_ID ?? '',
    MicrosoftAppPassword: config.MICROSOFT_APP_PASSWORD ?? '',
    MicrosoftAppTenantId: config.MICROSOFT_APP_TENANT_ID ?? '',
    MicrosoftAppType: config.MICROSOFT_APP_TYPE,
    ...(openIdMetadataUrl
      ? { ToBotFromChannelOpenIdMetadataUrl: openIdMetadataUrl, ToBotFromEmulatorOpenIdMetadataUrl: openIdMetadataUrl }
      : {}),
  });
}
