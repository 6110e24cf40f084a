import { NotifierError, type Notifier } from '../../src/bot/notifier.js';

/**
 * Teams when it is not configured (no MICROSOFT_APP_ID, no TEAMS_LOCAL_DEV): /api/messages refuses everything and
 * nothing can be sent. Loads none of teams-ai or botbuilder (about 90 MB and 3 s at start), which the server then
 * imports only when Teams is configured.
 */

/** Minimal Express-style response, as the server passes it. */
export interface RefusableResponse {
  header(name: string, value: string): unknown;
  status(code: number): unknown;
  send(body: unknown): unknown;
  end(): unknown;
}

/** 401 for every request while Teams is not configured. The body is left unread: the connection must not be reused. */
export function refuseUnconfigured(res: RefusableResponse): void {
  res.header('Connection', 'close');
  res.status(401);
  res.send({
    error: 'unauthorised',
    message: 'Teams is not configured on this server: set MICROSOFT_APP_ID (or TEAMS_LOCAL_DEV=true for local testing only).',
  });
  res.end();
}

const notConfigured = () => Promise.reject(new NotifierError('permanent', 'Teams is not configured on this server (MICROSOFT_APP_ID is not set).'));

/** A notifier that reaches no one (jobs skip it: see the composition root's notifiersOf). */
export const teamsOffNotifier: Notifier = {
  platform: 'teams',
  canReach: () => false,
  sendDirect: notConfigured,
  postToChannel: notConfigured,
};
