import type { Logger } from '../logger.js';
import { ValidationError, type FieldProblem } from '../errors.js';
import type { Store } from '../store/store.js';
import type { DigestChannel, DirectoryChange, LinkOutcome } from '../store/directory-repo.js';
import { linkIdentity, platformName } from './linking.js';
import type { DirectoryService } from './service.js';
import type { Centre, Person, PlatformIdentity, Role } from './types.js';

export interface RegisterInput {
  email: string;
  role: Role;
  /** Centres an oc_lead leads (added to any they lead already); none for other roles. */
  centreIds: string[];
  /** Name to give (or correct); a new person without one is named from `nameHint` or their email. */
  name?: string | null;
  /** The platform's display name for this email (Slack users.lookupByEmail), used for a new person without `name`. */
  nameHint?: string | null;
}

export interface RegisterResult {
  person: Person;
  created: boolean;
  /** What changed, in words ("added the role oc_lead", "now leads Acland Burghley Opportunity Centre"); empty: nothing. */
  changes: string[];
}

export interface RemoveInput {
  email: string;
  role: Role;
  /** With oc_lead: take away only this centre (the role goes with the last one). */
  centreId?: string | null;
}

export interface RemoveResult {
  person: Person;
  changes: string[];
}

/** What `admin list` shows. */
export interface DirectoryListing {
  centres: Centre[];
  people: Person[];
  digestChannels: DigestChannel[];
}

const ROLE_WORDS: Record<Role, string> = { oc_lead: 'centre lead (oc_lead)', network_lead: 'network lead (network_lead)', admin: 'admin' };

export function roleWords(role: Role): string {
  return ROLE_WORDS[role];
}

/** "sam.okafor@example.org" -> "Sam Okafor": a first guess at a new person's name, which `name "…"` corrects. */
export function nameFromEmail(email: string): string {
  const local = email.split('@')[0] ?? email;
  const words = local.split(/[._-]+/).filter(Boolean);
  return (words.length ? words : [local]).map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join(' ').slice(0, 200);
}

/**
 * What admins change from chat: people and roles (new people too), centre pauses, digest channels, links to chat
 * accounts. Rights are checked here; every change is audited (directory_changes) and a person whose roles or centres
 * changed is marked as changed in chat, so a directory file that has not changed does not undo it.
 */
export class DirectoryAdmin {
  constructor(
    private readonly store: Store,
    private readonly directory: DirectoryService,
    private readonly logger?: Logger,
  ) {}

  private requireAdmin(by: Person | null): asserts by is Person {
    this.directory.requireAdmin(by);
  }

  /** The audit row of a change an admin made in chat. */
  private audited(by: Person, change: Omit<DirectoryChange, 'source' | 'byPerson' | 'byName'>): DirectoryChange {
    return { source: 'chat', byPerson: by.id, byName: by.name, ...change };
  }

  /** Admin commands are for admins: returns the admin, or throws NotAuthorisedError. */
  authorise(by: Person | null): Person {
    this.requireAdmin(by);
    return by;
  }

  private async activeCentres(ids: string[]): Promise<Centre[]> {
    const problems: FieldProblem[] = [];
    const centres: Centre[] = [];
    for (const id of [...new Set(ids.map((c) => c.trim().toLowerCase()))]) {
      const c = await this.directory.getCentre(id);
      if (!c) problems.push({ field: 'centre', message: `There is no centre "${id}". Centres: ${(await this.directory.listCentres({ activeOnly: true })).map((x) => x.id).join(', ') || 'none yet'}.` });
      else if (!c.active) problems.push({ field: 'centre', message: `${c.name} is closed (active: false in the directory file), so no one can lead it.` });
      else centres.push(c);
    }
    if (problems.length) throw new ValidationError(problems);
    return centres;
  }

  async find(email: string, by: Person | null): Promise<Person | null> {
    this.requireAdmin(by);
    return this.directory.findPersonByEmail(email);
  }

  async list(by: Person | null, centreId?: string | null): Promise<DirectoryListing> {
    this.requireAdmin(by);
    const [centres, people, digestChannels] = await Promise.all([
      this.directory.listCentres(),
      this.directory.listPeople(),
      this.store.directory.listDigestChannels(),
    ]);
    if (!centreId) return { centres, people, digestChannels };
    const centre = centres.find((c) => c.id === centreId.trim().toLowerCase());
    if (!centre) throw new ValidationError([{ field: 'centre', message: `There is no centre "${centreId}". Centres: ${centres.map((c) => c.id).join(', ') || 'none yet'}.` }]);
    return { centres: [centre], people: people.filter((p) => p.centres.includes(centre.id)), digestChannels };
  }

  /** Give a person a role (and centres); a new email adds a new person. */
  async register(input: RegisterInput, by: Person | null): Promise<RegisterResult> {
    this.requireAdmin(by);
    const email = input.email.trim().toLowerCase();
    const problems: FieldProblem[] = [];
    if (input.role === 'oc_lead' && !input.centreIds.length) {
      problems.push({ field: 'centre', message: 'centre is needed for oc_lead (a centre id such as acland-burghley).' });
    }
    if (input.role !== 'oc_lead' && input.centreIds.length) {
      problems.push({ field: 'centre', message: `centres are only given with the oc_lead role, not ${input.role}.` });
    }
    const name = input.name?.replace(/\s+/g, ' ').trim();
    if (input.name !== undefined && input.name !== null && (!name || name.length > 200)) {
      problems.push({ field: 'name', message: 'name must be 1 to 200 characters, in quotes: name "Sam Okafor".' });
    }
    if (problems.length) throw new ValidationError(problems);
    const centres = await this.activeCentres(input.centreIds);
    const before = await this.directory.findPersonByEmail(email);
    const repo = this.store.directory;
    const personId = await repo.transaction(async (tx) => {
      const { id } = before
        ? { id: before.id }
        : await repo.upsertPerson({ name: name || input.nameHint?.trim() || nameFromEmail(email), email }, tx);
      if (before && name && name !== before.name) await repo.upsertPerson({ name, email }, tx);
      await repo.addRole(id, input.role, tx);
      for (const c of centres) await repo.addLeadCentre(id, c.id, tx);
      return id;
    });
    const person = (await this.directory.getPerson(personId))!;
    const changes = describeChanges(before, person, centres);
    if (changes.length) {
      await repo.transaction(async (tx) => {
        await repo.setChangedInChat(person.id, true, tx);
        await repo.recordChange(
          this.audited(by, { action: 'register', personId: person.id, email, detail: changes.join('; ') }),
          tx,
        );
      });
      this.logger?.info({ by: by.id, person: person.id, role: input.role, created: !before }, 'person registered from chat');
    }
    return { person, created: !before, changes };
  }

  /** Take a role away (with oc_lead and a centre, only that centre). */
  async remove(input: RemoveInput, by: Person | null): Promise<RemoveResult> {
    this.requireAdmin(by);
    const before = await this.directory.findPersonByEmail(input.email);
    if (before && input.centreId && !before.centres.includes(input.centreId.trim().toLowerCase())) {
      throw new ValidationError([{ field: 'centre', message: `${before.name} does not lead "${input.centreId}". Their centres: ${before.centres.join(', ') || 'none'}.` }]);
    }
    const person = await this.directory.removeRole(input, by);
    const changes = describeChanges(before, person, []);
    if (changes.length) {
      await this.store.directory.transaction(async (tx) => {
        await this.store.directory.setChangedInChat(person.id, true, tx);
        await this.store.directory.recordChange(
          this.audited(by, { action: 'remove', personId: person.id, email: person.email, centreId: input.centreId ?? null, detail: changes.join('; ') }),
          tx,
        );
      });
    }
    return { person, changes };
  }

  async pause(centreId: string, until: string, by: Person | null): Promise<Centre> {
    this.requireAdmin(by);
    const centre = await this.directory.pauseReminders(centreId, until, by);
    await this.store.directory.recordChange(
      this.audited(by, {
        action: 'pause',
        centreId: centre.id,
        detail: `reminders paused until ${centre.remindersPausedUntil ?? until}`,
      }),
    );
    return centre;
  }

  /** Reminders start again at once; `wasPausedUntil` says what the pause was (null: it was not paused). */
  async resume(centreId: string, by: Person | null): Promise<{ centre: Centre; wasPausedUntil: string | null }> {
    this.requireAdmin(by);
    const before = await this.directory.getCentre(centreId);
    const centre = await this.directory.resumeReminders(centreId, by);
    const wasPausedUntil = before?.remindersPausedUntil ?? null;
    if (wasPausedUntil) {
      await this.store.directory.recordChange(
        this.audited(by, {
          action: 'resume',
          centreId: centre.id,
          detail: `reminders resumed (had been paused until ${wasPausedUntil})`,
        }),
      );
    }
    return { centre, wasPausedUntil };
  }

  /** Link a chat account found by the person's email (Slack users.lookupByEmail) when an admin registers them. */
  async link(person: Person, identity: PlatformIdentity, by: Person | null): Promise<LinkOutcome> {
    this.requireAdmin(by);
    const outcome = await linkIdentity(this.store, person, identity, 'admin');
    if (outcome === 'linked') {
      await this.store.directory.recordChange(
        this.audited(by, {
          action: 'link',
          personId: person.id,
          email: person.email,
          detail: `${platformName(identity.platform)} account linked by its email when an admin registered them`,
        }),
      );
    }
    return outcome;
  }

  /** Post the weekly digest to this channel too; false when it already was. */
  async addDigestChannel(platform: 'slack' | 'teams', channelId: string, name: string | null, by: Person | null): Promise<boolean> {
    this.requireAdmin(by);
    const added = await this.store.directory.addDigestChannel(platform, channelId, name);
    if (added) {
      await this.store.directory.recordChange(
        this.audited(by, {
          action: 'digest-channel add',
          detail: `${platformName(platform)} channel ${name ? `#${name} ` : ''}(${channelId}) added to the digest channels`,
        }),
      );
    }
    return added;
  }

  /** Stop posting the digest to this channel; false when it was not a digest channel. */
  async removeDigestChannel(platform: 'slack' | 'teams', channelId: string, by: Person | null): Promise<boolean> {
    this.requireAdmin(by);
    const removed = await this.store.directory.removeDigestChannel(platform, channelId);
    if (removed) {
      await this.store.directory.recordChange(
        this.audited(by, {
          action: 'digest-channel remove',
          detail: `${platformName(platform)} channel ${channelId} removed from the digest channels`,
        }),
      );
    }
    return removed;
  }
}

/** Before and after, in words an admin reads in the confirmation and the audit. */
function describeChanges(before: Person | null, after: Person, centres: Centre[]): string[] {
  const out: string[] = [];
  const name = (id: string) => centres.find((c) => c.id === id)?.name ?? id;
  if (!before) out.push('added to the directory');
  else if (before.name !== after.name) out.push(`name changed from "${before.name}" to "${after.name}"`);
  for (const r of after.roles) if (!before?.roles.includes(r)) out.push(`role ${roleWords(r)} added`);
  for (const r of before?.roles ?? []) if (!after.roles.includes(r)) out.push(`role ${roleWords(r)} removed`);
  for (const c of after.centres) if (!before?.centres.includes(c)) out.push(`now leads ${name(c)}`);
  for (const c of before?.centres ?? []) if (!after.centres.includes(c)) out.push(`no longer leads ${name(c)}`);
  return out;
}
