/**
 * Checks on an incoming /api/messages request before botbuilder sees it. They matter most in local development
 * (TEAMS_LOCAL_DEV: no token), where a web page open in the developer's browser could otherwise drive the bot:
 * a "simple" cross-site POST (text/plain, no CORS preflight), DNS rebinding (a foreign Host), and a serviceUrl of the
 * page's choosing that the bot would send its replies to.
 */
import { isLoopbackHost } from '../../src/config.js';

export interface GuardRefusal {
  status: 400 | 403 | 415;
  message: string;
}

/** Bot Framework posts `application/json` (with or without a charset); anything else is refused. */
export function mediaTypeRefusal(contentType: string | undefined): GuardRefusal | null {
  const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  return type === 'application/json' ? null : { status: 415, message: 'Content-Type must be application/json.' };
}

/** The Bot Connector sends no Origin; a browser does. One that is not this server's own origin is refused. */
export function originRefusal(origin: string | undefined, host: string | undefined): GuardRefusal | null {
  if (origin === undefined) return null;
  let originHost: string | null = null;
  try {
    originHost = new URL(origin).host.toLowerCase();
  } catch {
    originHost = null; // "null" (sandboxed frames, file: pages) or garbage
  }
  if (originHost && host && originHost === host.trim().toLowerCase()) return null;
  return { status: 403, message: 'Requests from web pages are not accepted here.' };
}

function hostname(hostHeader: string): string {
  const h = hostHeader.trim().toLowerCase();
  if (h.startsWith('[')) return h.slice(0, h.indexOf(']') + 1);
  const colon = h.lastIndexOf(':');
  return colon > -1 && h.indexOf(':') === colon ? h.slice(0, colon) : h;
}

/** Local development only: the request must be addressed to this machine by a loopback name (no DNS rebinding). */
export function localHostRefusal(hostHeader: string | undefined): GuardRefusal | null {
  if (hostHeader && isLoopbackHost(hostname(hostHeader))) return null;
  return { status: 403, message: 'In local development (TEAMS_LOCAL_DEV) the bot answers only requests addressed to localhost or 127.0.0.1.' };
}

/**
 * Local development only: replies go to the Agents Playground (or another connector) on this machine, never to a
 * server an activity names elsewhere.
 */
export function localServiceUrlRefusal(serviceUrl: unknown): GuardRefusal | null {
  let url: URL;
  try {
    url = new URL(String(serviceUrl));
  } catch {
    return { status: 400, message: 'serviceUrl must be a URL.' };
  }
  if ((url.protocol === 'http:' || url.protocol === 'https:') && isLoopbackHost(url.hostname) && !url.username && !url.password) return null;
  return {
    status: 403,
    message: 'In local development (TEAMS_LOCAL_DEV) the bot replies only to a connector on this machine (the Agents Playground): serviceUrl refused.',
  };
}
