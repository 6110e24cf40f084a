import type { Logger } from '../logger.js';
import { NotAuthorisedError, NotFoundError, ValidationError } from '../errors.js';
import type { Store } from '../store/store.js';
import type { DigestChannels } from '../store/directory-repo.js';
import { isIsoDate, localDate } from '../shared/calendar.js';
import { linkByEmailOnFirstContact, type ProfileLookup } from './linking.js';
import type { Actor, Centre, Person, PlatformIdentity, Role } from './types.js';

export interface DirectoryServiceOptions {
  /** SCHEDULE_TIMEZONE: "today" for reminder pauses. */
  timeZone: string;
  now?: () => Date;
  logger?: Logger;
}

export function hasRole(person: Person | null | undefined, role: Role): boolean {
  return !!person && person.roles.includes(role);
}

/**
 * Reminders for the centre are paused on `date` (YYYY-MM-DD; paused "until and including" a date). Jobs and the
 * digest pass a week's Monday: the week counts as paused when the pause covers its Monday.
 */
export function remindersPaused(centre: Centre, date: string): boolean {
  return centre.remindersPausedUntil !== null && date <= centre.remindersPausedUntil;
}

/**
 * A return is due from this centre for the week starting `weekStart` (a Monday): the centre is active and the week
 * is not before the first week it owes one (the week it was added, or the directory file's `from`). Weeks before
 * that are never "missing" anywhere: status, reminders, nudges, the digest.
 */
export function returnDue(centre: Centre, weekStart: string): boolean {
  return centre.active && (!centre.returnsFrom || weekStart >= centre.returnsFrom);
}

/** Who may do what: centres, people, roles and platform identities. Implements the bot's DirectoryPort. */
export class DirectoryService {
  private readonly now: () => Date;

  constructor(
    private readonly store: Store,
    private readonly opts: DirectoryServiceOptions,
  ) {
    this.now = opts.now ?? (() => new Date());
  }

  /**
   * Platform identity -> Actor; unknown users are plain staff (person null): they may ask, nothing else. With
   * `profile`, an identity no entry names yet is linked to the directory person with the same email (first contact).
   */
  async resolveActor(identity: PlatformIdentity, profile?: ProfileLookup): Promise<Actor> {
    const person =
      identity.platform === 'slack'
        ? await this.store.directory.findPersonBySlack(identity.team, identity.user)
        : await this.store.directory.findPersonByTeams(identity.tenantId, identity.aadObjectId);
    if (person || !profile) return { identity, person };
    return { identity, person: await linkByEmailOnFirstContact(this.store, identity, profile, this.opts.logger) };
  }

  getCentre(id: string): Promise<Centre | null> {
    return this.store.directory.getCentre(id.trim().toLowerCase());
  }

  listCentres(opts: { activeOnly?: boolean } = {}): Promise<Centre[]> {
    return this.store.directory.listCentres(opts);
  }

  getPerson(id: number): Promise<Person | null> {
    return this.store.directory.getPerson(id);
  }

  findPersonByEmail(email: string): Promise<Person | null> {
    return this.store.directory.findPersonByEmail(email);
  }

  listPeople(): Promise<Person[]> {
    return this.store.directory.listPeople();
  }

  /** Centres the person may submit returns for: an oc_lead's active centres; an admin's: all active centres. */
  async submittableCentres(person: Person): Promise<Centre[]> {
    const active = await this.store.directory.listCentres({ activeOnly: true });
    if (hasRole(person, 'admin')) return active;
    if (!hasRole(person, 'oc_lead')) return [];
    return active.filter((c) => person.centres.includes(c.id));
  }

  /** Centres whose returns the person may see: network leads and admins all active centres; oc_leads theirs. */
  async visibleCentres(person: Person): Promise<Centre[]> {
    const active = await this.store.directory.listCentres({ activeOnly: true });
    if (hasRole(person, 'admin') || hasRole(person, 'network_lead')) return active;
    if (!hasRole(person, 'oc_lead')) return [];
    return active.filter((c) => person.centres.includes(c.id));
  }

  /** True when the person may submit or amend this centre's return (its lead, or an admin). */
  canSubmitFor(person: Person, centreId: string): boolean {
    return hasRole(person, 'admin') || (hasRole(person, 'oc_lead') && person.centres.includes(centreId));
  }

  /** The oc_leads of a centre (for reminders). */
  leadsOfCentre(centreId: string): Promise<Person[]> {
    return this.store.directory.peopleWithRole('oc_lead', centreId);
  }

  networkLeads(): Promise<Person[]> {
    return this.store.directory.peopleWithRole('network_lead');
  }

  admins(): Promise<Person[]> {
    return this.store.directory.peopleWithRole('admin');
  }

  digestChannels(): Promise<DigestChannels> {
    return this.store.directory.getDigestChannels();
  }

  /** The admin commands' rights, checked here and only here. */
  /** Admin commands' rights, written once: admins only. */
  requireAdmin(by: Person | null): asserts by is Person {
    if (!hasRole(by, 'admin')) {
      throw new NotAuthorisedError('Only admins can use admin commands (people, roles, centres, reminders and digest channels).');
    }
  }

  private async requirePerson(email: string): Promise<Person> {
    const person = await this.store.directory.findPersonByEmail(email);
    if (!person) {
      throw new NotFoundError(
        `No one with the email ${email.trim().toLowerCase()} is in the directory. Add them to the directory file and run "directory import".`,
      );
    }
    return person;
  }

  private async requireCentre(centreId: string): Promise<Centre> {
    const centre = await this.getCentre(centreId);
    if (!centre) throw new ValidationError([{ field: 'centre', message: `There is no centre "${centreId}".` }]);
    return centre;
  }

  /** Admin: give a person a role; for oc_lead also a centre they lead (added to any they already lead). */
  async assignRole(input: { email: string; role: Role; centreId?: string | null }, by: Person | null): Promise<Person> {
    this.requireAdmin(by);
    const person = await this.requirePerson(input.email);
    if (input.role === 'oc_lead' && !input.centreId) {
      throw new ValidationError([{ field: 'centre', message: 'centre is needed for oc_lead (a centre id such as acland-burghley).' }]);
    }
    const centre = input.centreId ? await this.requireCentre(input.centreId) : null;
    if (centre && input.role !== 'oc_lead') {
      throw new ValidationError([{ field: 'centre', message: 'a centre is only given with the oc_lead role.' }]);
    }
    await this.store.directory.transaction(async (tx) => {
      await this.store.directory.addRole(person.id, input.role, tx);
      if (centre) await this.store.directory.addLeadCentre(person.id, centre.id, tx);
    });
    this.opts.logger?.info({ by: by.id, person: person.id, role: input.role, centre: centre?.id }, 'role assigned');
    return (await this.store.directory.getPerson(person.id))!;
  }

  /**
   * Admin: take a role away; with centreId and oc_lead, only that centre (the role goes when no centre is left).
   * An admin cannot remove their own admin role (so the network is never left without one by accident).
   */
  async removeRole(input: { email: string; role: Role; centreId?: string | null }, by: Person | null): Promise<Person> {
    this.requireAdmin(by);
    const person = await this.requirePerson(input.email);
    if (input.role === 'admin' && person.id === by.id) {
      throw new ValidationError([{ field: 'role', message: 'You cannot remove your own admin role; ask another admin.' }]);
    }
    let roles = person.roles.filter((r) => r !== input.role);
    let centres = person.centres;
    if (input.role === 'oc_lead' && input.centreId) {
      centres = person.centres.filter((c) => c !== input.centreId);
      if (centres.length) roles = person.roles;
    } else if (input.role === 'oc_lead') {
      centres = [];
    }
    await this.store.directory.transaction(async (tx) => {
      await this.store.directory.setRoles(person.id, roles, tx);
      await this.store.directory.setLeadCentres(person.id, centres, tx);
    });
    return (await this.store.directory.getPerson(person.id))!;
  }

  /** Admin: pause reminders for a centre until (and including) a date; today or later. */
  async pauseReminders(centreId: string, until: string, by: Person | null): Promise<Centre> {
    this.requireAdmin(by);
    if (!isIsoDate(until)) throw new ValidationError([{ field: 'until', message: `until must be a date YYYY-MM-DD, got "${until}".` }]);
    const today = localDate(this.now(), this.opts.timeZone);
    if (until < today) throw new ValidationError([{ field: 'until', message: `until (${until}) is in the past; give today (${today}) or later.` }]);
    await this.requireCentre(centreId);
    const centre = await this.store.directory.setRemindersPausedUntil(centreId.trim().toLowerCase(), until);
    return centre!;
  }

  /** Admin: reminders for the centre start again at once. */
  async resumeReminders(centreId: string, by: Person | null): Promise<Centre> {
    this.requireAdmin(by);
    await this.requireCentre(centreId);
    return (await this.store.directory.setRemindersPausedUntil(centreId.trim().toLowerCase(), null))!;
  }

  /** Store or refresh a Teams conversation reference (also for people not in the directory yet) and mark it reachable. */
  saveTeamsConversationReference(identity: { aadObjectId: string; tenantId: string }, reference: Record<string, unknown>): Promise<void> {
    return this.store.directory.saveTeamsConversationReference(identity.tenantId, identity.aadObjectId, reference);
  }

  /** Teams refused a proactive message (403: bot removed or blocked): stop until they talk to the bot again. */
  markTeamsUnreachable(identity: { aadObjectId: string; tenantId: string }): Promise<boolean> {
    return this.store.directory.markTeamsUnreachable(identity.tenantId, identity.aadObjectId);
  }
}
