import type { TeamsConfig } from './deps.js';

/**
 * - `authenticated`: an app id is set; every request must carry a valid Bot Framework JWT.
 * - `local-dev`: no app id and TEAMS_LOCAL_DEV=true; unauthenticated traffic from a local emulator is accepted.
 * - `refuse`: no app id and no TEAMS_LOCAL_DEV; /api/messages answers 401 to everything.
 *
 * Kept apart from auth.ts (which loads botbuilder), so the composition root can decide without loading the Teams stack.
 */
export type TeamsAuthMode = 'authenticated' | 'local-dev' | 'refuse';

export function teamsAuthMode(config: Pick<TeamsConfig, 'MICROSOFT_APP_ID' | 'TEAMS_LOCAL_DEV'>): TeamsAuthMode {
  if (config.MICROSOFT_APP_ID) return 'authenticated';
  return config.TEAMS_LOCAL_DEV ? 'local-dev' : 'refuse';
}
