import type { Logger } from '../logger.js';
import type { Store } from '../store/store.js';
import type { LinkOutcome } from '../store/directory-repo.js';
import type { LinkVia, Person, PlatformIdentity } from './types.js';

/** What a chat platform says about one of its users: the addresses they sign in with, for the directory's email. */
export interface PlatformProfile {
  /** Work email first, then other addresses the platform knows (Teams' user principal name). */
  emails: string[];
  /** Display name, when the platform gives one. */
  name?: string | null;
}

/**
 * Asks the platform who the person is (Slack users.info, Teams' roster). Called only when the identity is in no
 * directory entry yet and someone in the directory is still unlinked on that platform; null when it cannot say.
 */
export type ProfileLookup = () => Promise<PlatformProfile | null>;

/** An identity that can be linked: real Teams traffic always names a tenant; an emulator's does not. */
function linkable(identity: PlatformIdentity): boolean {
  return identity.platform === 'slack' ? !!identity.user && !!identity.team : !!identity.aadObjectId && !!identity.tenantId;
}

export function linkIdentity(store: Store, person: Person, identity: PlatformIdentity, via: LinkVia): Promise<LinkOutcome> {
  return identity.platform === 'slack'
    ? store.directory.linkSlackIdentity(person.id, { user: identity.user, team: identity.team }, via)
    : store.directory.linkTeamsIdentity(person.id, { aadObjectId: identity.aadObjectId, tenantId: identity.tenantId }, via);
}

/** "Slack", "Teams": for messages and the audit. */
export function platformName(platform: PlatformIdentity['platform']): string {
  return platform === 'slack' ? 'Slack' : 'Teams';
}

/**
 * First contact from an identity no directory entry names: if the platform's email for it is a directory person's
 * who has no identity on that platform yet, link them (stored, audited) and return them; otherwise null (plain
 * staff). Nothing is asked of the platform while everyone in the directory is already linked there.
 */
export async function linkByEmailOnFirstContact(
  store: Store,
  identity: PlatformIdentity,
  lookup: ProfileLookup,
  logger?: Logger,
): Promise<Person | null> {
  if (!linkable(identity)) return null;
  if ((await store.directory.countUnlinked(identity.platform)) === 0) return null;
  let profile: PlatformProfile | null;
  try {
    profile = await lookup();
  } catch (err) {
    logger?.warn({ err, platform: identity.platform }, 'could not read the person\'s email from the platform; treating them as plain staff for now');
    return null;
  }
  const emails = [...new Set((profile?.emails ?? []).map((e) => e.trim().toLowerCase()).filter((e) => e.includes('@')))];
  for (const email of emails) {
    const person = await store.directory.findPersonByEmail(email);
    if (!person) continue;
    const outcome = await linkIdentity(store, person, identity, 'email');
    if (outcome === 'linked') {
      await store.directory.recordChange({
        source: 'link',
        byName: 'email match',
        action: 'link',
        personId: person.id,
        email: person.email,
        detail: `${platformName(identity.platform)} account linked on first contact: its email matches the directory entry`,
      });
      logger?.info({ person: person.id, platform: identity.platform }, 'chat identity linked to a directory person by email');
    } else if (outcome !== 'already') {
      logger?.info({ person: person.id, platform: identity.platform, outcome }, 'email matches a directory person already linked to another account; not linked');
      return null;
    }
    return store.directory.getPerson(person.id);
  }
  return null;
}
