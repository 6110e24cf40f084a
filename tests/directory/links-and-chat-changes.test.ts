import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestStore, type TestStore } from '../helpers/store.js';
import { DirectoryService } from '../../src/directory/service.js';
import { DirectoryAdmin } from '../../src/directory/admin.js';
import { importDirectory } from '../../src/directory/import.js';
import { parseDirectoryFile } from '../../src/directory/file.js';
import type { PlatformProfile } from '../../src/directory/linking.js';
import type { Person } from '../../src/directory/types.js';
import { NotAuthorisedError, ValidationError } from '../../src/errors.js';
import { deletePersonData, exportPersonData } from '../../src/directory/personal-data.js';
import { QuestionLog } from '../../src/store/question-log.js';

const TZ = 'Europe/London';
const NOW = new Date('2026-06-17T09:00:00Z');

/** A directory file with names, emails, roles and centres only: no chat ids anywhere. */
const EMAIL_ONLY = `
centres:
  - id: acland-burghley
    name: Acland Burghley Opportunity Centre
  - id: la-sainte-union
    name: La Sainte Union Opportunity Centre
people:
  - name: Sam Okafor
    email: sam.okafor@example.org
    roles: [oc_lead]
    centres: [acland-burghley]
  - name: Nia Roberts
    email: nia.roberts@example.org
    roles: [network_lead]
  - name: Alex Admin
    email: alex.admin@example.org
    roles: [admin]
    slack: { user: U0ADMIN01, team: T0CAMDEN }
digest:
  slackChannels: [C0DIGEST1]
`;

const SAM_SLACK = { platform: 'slack' as const, user: 'U0SAM0001', team: 'T0CAMDEN' };
const SAM_TEAMS = { platform: 'teams' as const, aadObjectId: 'aad-sam', tenantId: 'tenant-1' };

function lookup(profile: PlatformProfile | null) {
  const calls: number[] = [];
  return { calls, fn: async () => (calls.push(1), profile) };
}

describe('people known by email; changes made in chat', () => {
  let t: TestStore;
  let dir: DirectoryService;
  let admin: DirectoryAdmin;
  let alex: Person;

  beforeAll(async () => {
    t = await openTestStore('postgres');
    await importDirectory(t.store, parseDirectoryFile(EMAIL_ONLY), undefined, { now: NOW });
    dir = new DirectoryService(t.store, { timeZone: TZ, now: () => NOW });
    admin = new DirectoryAdmin(t.store, dir);
    alex = (await dir.findPersonByEmail('alex.admin@example.org'))!;
  });
  afterAll(async () => {
    await t?.close();
  });

  it('links a Slack account on first contact by its email, stores and audits it', async () => {
    const l = lookup({ emails: ['Sam.Okafor@Example.org'] });
    const actor = await dir.resolveActor(SAM_SLACK, l.fn);
    expect(actor.person?.email).toBe('sam.okafor@example.org');
    expect(actor.person?.slack).toEqual({ user: 'U0SAM0001', team: 'T0CAMDEN', linkedVia: 'email' });
    // Known from now on without asking Slack again.
    const again = lookup({ emails: ['someone.else@example.org'] });
    expect((await dir.resolveActor(SAM_SLACK, again.fn)).person?.id).toBe(actor.person!.id);
    expect(again.calls).toHaveLength(0);
    const audit = await t.store.directory.listChanges({ personId: actor.person!.id });
    expect(audit[0]).toMatchObject({ source: 'link', action: 'link', email: 'sam.okafor@example.org' });
    expect(audit[0]!.detail).toMatch(/Slack account linked on first contact/);
  });

  it('links a Teams account by email or user principal name; someone in no entry stays plain staff', async () => {
    const stranger = await dir.resolveActor({ platform: 'teams', aadObjectId: 'aad-x', tenantId: 'tenant-1' }, lookup({ emails: ['teacher@example.org'] }).fn);
    expect(stranger.person).toBeNull();
    const actor = await dir.resolveActor(SAM_TEAMS, lookup({ emails: ['sam@old-domain.example', 'sam.okafor@example.org'] }).fn);
    expect(actor.person?.teams).toMatchObject({ aadObjectId: 'aad-sam', tenantId: 'tenant-1', linkedVia: 'email' });
  });

  it('does not move a link: a second account with the same email stays plain staff', async () => {
    const other = await dir.resolveActor({ platform: 'slack', user: 'U0SAM0002', team: 'T0CAMDEN' }, lookup({ emails: ['sam.okafor@example.org'] }).fn);
    expect(other.person).toBeNull();
    expect((await dir.findPersonByEmail('sam.okafor@example.org'))!.slack?.user).toBe('U0SAM0001');
  });

  it('asks the platform nothing once everyone is linked there, and survives a failed lookup', async () => {
    const failing = async () => {
      throw new Error('Slack is down');
    };
    expect((await dir.resolveActor({ platform: 'slack', user: 'U0NIA0001', team: 'T0CAMDEN' }, failing)).person).toBeNull();
    expect((await dir.resolveActor({ platform: 'slack', user: 'U0NIA0001', team: 'T0CAMDEN' }, lookup({ emails: ['nia.roberts@example.org'] }).fn)).person?.name).toBe('Nia Roberts');
    expect(await t.store.directory.countUnlinked('slack')).toBe(0);
    const l = lookup({ emails: ['nia.roberts@example.org'] });
    expect((await dir.resolveActor({ platform: 'slack', user: 'U0STAFF01', team: 'T0CAMDEN' }, l.fn)).person).toBeNull();
    expect(l.calls).toHaveLength(0);
  });

  it('a directory import of the same email-only file keeps links made by email', async () => {
    const r = await importDirectory(t.store, parseDirectoryFile(EMAIL_ONLY), undefined, { now: NOW });
    expect(r.changes).toEqual([]);
    expect((await dir.findPersonByEmail('sam.okafor@example.org'))!.slack?.user).toBe('U0SAM0001');
    expect((await dir.findPersonByEmail('sam.okafor@example.org'))!.teams?.aadObjectId).toBe('aad-sam');
  });

  it('an admin registers a new person, with several centres and a name; only admins may', async () => {
    const sam = (await dir.findPersonByEmail('sam.okafor@example.org'))!;
    await expect(admin.register({ email: 'x@example.org', role: 'admin', centreIds: [] }, sam)).rejects.toBeInstanceOf(NotAuthorisedError);
    await expect(admin.register({ email: 'x@example.org', role: 'oc_lead', centreIds: ['nowhere'] }, alex)).rejects.toBeInstanceOf(ValidationError);
    const r = await admin.register({ email: 'Ada.Lovelace@example.org', role: 'oc_lead', centreIds: ['acland-burghley', 'la-sainte-union'] }, alex);
    expect(r.created).toBe(true);
    expect(r.person).toMatchObject({ name: 'Ada Lovelace', email: 'ada.lovelace@example.org', roles: ['oc_lead'], centres: ['acland-burghley', 'la-sainte-union'] });
    expect(r.changes).toEqual(['added to the directory', 'role centre lead (oc_lead) added', 'now leads Acland Burghley Opportunity Centre', 'now leads La Sainte Union Opportunity Centre']);
    const named = await admin.register({ email: 'ada.lovelace@example.org', role: 'oc_lead', centreIds: ['acland-burghley'], name: 'Ada King' }, alex);
    expect(named.changes).toEqual(['name changed from "Ada Lovelace" to "Ada King"']);
    const same = await admin.register({ email: 'ada.lovelace@example.org', role: 'oc_lead', centreIds: ['acland-burghley'] }, alex);
    expect(same.changes).toEqual([]);
    const audit = await t.store.directory.listChanges({ personId: r.person.id });
    expect(audit.map((a) => [a.source, a.action, a.byName])).toEqual([
      ['chat', 'register', 'Alex Admin'],
      ['chat', 'register', 'Alex Admin'],
    ]);
  });

  it('chat changes survive a restart and a directory import of the unchanged file; a changed entry is a reported conflict', async () => {
    // In chat: Sam also leads La Sainte Union.
    await admin.register({ email: 'sam.okafor@example.org', role: 'oc_lead', centreIds: ['la-sainte-union'] }, alex);
    const sam = () => dir.findPersonByEmail('sam.okafor@example.org');
    // Restart (DIRECTORY_FILE at start): the unchanged entry is not applied.
    const start = await importDirectory(t.store, parseDirectoryFile(EMAIL_ONLY), undefined, { changedOnly: true, now: NOW });
    expect(start.conflicts).toEqual([]);
    expect((await sam())!.centres).toEqual(['acland-burghley', 'la-sainte-union']);
    // `directory import FILE` of the unchanged file: kept, and said so.
    const full = await importDirectory(t.store, parseDirectoryFile(EMAIL_ONLY), undefined, { now: NOW });
    expect(full.changes).toEqual([]);
    expect(full.keptFromChat).toEqual([
      expect.stringMatching(/^person sam\.okafor@example\.org: kept as changed in chat on \d{4}-\d\d-\d\d \(centres \[acland-burghley\] in the file, \[acland-burghley, la-sainte-union\] in the bot\)/),
    ]);
    expect((await sam())!.centres).toEqual(['acland-burghley', 'la-sainte-union']);
    // The file is edited too (a new name): a conflict, reported again on every import until settled.
    const edited = EMAIL_ONLY.replace('name: Sam Okafor', 'name: Samuel Okafor');
    for (let i = 0; i < 2; i++) {
      const r = await importDirectory(t.store, parseDirectoryFile(edited), undefined, { now: NOW });
      expect(r.conflicts).toEqual([expect.stringContaining('person sam.okafor@example.org: conflict: changed in chat on')]);
      expect(r.conflicts[0]).toContain('--prefer-file');
      expect((await sam())!).toMatchObject({ name: 'Sam Okafor', centres: ['acland-burghley', 'la-sainte-union'] });
    }
    // --prefer-file: the file counts again, and the person is no longer marked as changed in chat.
    const preferred = await importDirectory(t.store, parseDirectoryFile(edited), undefined, { now: NOW, preferFile: true });
    expect(preferred.conflicts).toEqual([]);
    expect(preferred.changes).toEqual(['person sam.okafor@example.org: updated name, centres [acland-burghley], replacing the change made in chat']);
    expect((await sam())!).toMatchObject({ name: 'Samuel Okafor', centres: ['acland-burghley'] });
    expect((await sam())!.chatChangedAt).toBeUndefined();
    // The chat links made by email are untouched by all of this.
    expect((await sam())!.slack?.user).toBe('U0SAM0001');
  });

  it('an admin removing a role is kept by an unchanged file too', async () => {
    const r = await admin.remove({ email: 'nia.roberts@example.org', role: 'network_lead' }, alex);
    expect(r.changes).toEqual(['role network lead (network_lead) removed']);
    await importDirectory(t.store, parseDirectoryFile(EMAIL_ONLY.replace('name: Sam Okafor', 'name: Samuel Okafor')), undefined, { changedOnly: true, now: NOW });
    expect((await dir.findPersonByEmail('nia.roberts@example.org'))!.roles).toEqual([]);
  });

  it('digest channels added or removed in chat are not undone by the file', async () => {
    const file = EMAIL_ONLY.replace('name: Sam Okafor', 'name: Samuel Okafor');
    expect(await admin.addDigestChannel('slack', 'C0LEADS01', 'network-leads', alex)).toBe(true);
    expect(await admin.addDigestChannel('slack', 'C0LEADS01', 'network-leads', alex)).toBe(false);
    expect(await admin.removeDigestChannel('slack', 'C0DIGEST1', alex)).toBe(true);
    expect(await dir.digestChannels()).toEqual({ slack: ['C0LEADS01'], teams: [] });
    const start = await importDirectory(t.store, parseDirectoryFile(file), undefined, { changedOnly: true, now: NOW });
    expect(start.changes).toEqual([]);
    const full = await importDirectory(t.store, parseDirectoryFile(file), undefined, { now: NOW });
    expect(full.keptFromChat).toContainEqual(expect.stringContaining('digest channel C0DIGEST1: removed in chat on'));
    expect(await dir.digestChannels()).toEqual({ slack: ['C0LEADS01'], teams: [] });
    // The file's digest section changes: the removed channel is a conflict; the new one is added.
    const more = file.replace('slackChannels: [C0DIGEST1]', 'slackChannels: [C0DIGEST1, C0DIGEST2]');
    const r = await importDirectory(t.store, parseDirectoryFile(more), undefined, { now: NOW });
    expect(r.conflicts).toEqual([expect.stringContaining('digest channel C0DIGEST1: removed in chat on')]);
    expect(await dir.digestChannels()).toEqual({ slack: ['C0DIGEST2', 'C0LEADS01'], teams: [] });
    await importDirectory(t.store, parseDirectoryFile(more), undefined, { now: NOW, preferFile: true });
    expect(await dir.digestChannels()).toEqual({ slack: ['C0DIGEST1', 'C0DIGEST2', 'C0LEADS01'], teams: [] });
  });

  it('pausing and resuming a centre is audited', async () => {
    const paused = await admin.pause('acland-burghley', '2026-07-01', alex);
    expect(paused.remindersPausedUntil).toBe('2026-07-01');
    expect(await admin.resume('acland-burghley', alex)).toMatchObject({ wasPausedUntil: '2026-07-01', centre: { remindersPausedUntil: null } });
    expect(await admin.resume('acland-burghley', alex)).toMatchObject({ wasPausedUntil: null });
    const audit = (await t.store.directory.listChanges({ limit: 5 })).filter((a) => a.centreId === 'acland-burghley');
    expect(audit.map((a) => a.action)).toEqual(['resume', 'pause']);
  });

  it('the link made by email and its audit are in the person\'s export, and directory delete removes them', async () => {
    const keys = new QuestionLog(t.store, { retentionDays: 180 }).keys;
    const exported = await exportPersonData(t.store, keys, { email: 'sam.okafor@example.org' });
    expect(exported.records.slack_identities).toEqual([{ team_id: 'T0CAMDEN', user_id: 'U0SAM0001', linked_via: 'email', linked_at: expect.any(Date) }]);
    expect(exported.records.teams_identities).toEqual([expect.objectContaining({ aad_object_id: 'aad-sam', linked_via: 'email' })]);
    expect((exported.records.directory_changes as { action: string }[]).map((c) => c.action)).toContain('link');
    // What Alex did to others stays in their audit, without Alex's name, once Alex is erased.
    await deletePersonData(t.store, keys, { email: 'alex.admin@example.org' });
    await deletePersonData(t.store, keys, { email: 'sam.okafor@example.org' });
    expect(await t.store.directory.findPersonBySlack('T0CAMDEN', 'U0SAM0001')).toBeNull();
    const left = await t.store.directory.listChanges({ limit: 1000 });
    expect(left.filter((c) => c.email === 'sam.okafor@example.org')).toEqual([]);
    expect(left.filter((c) => c.byName === 'Alex Admin')).toEqual([]);
    expect(left.some((c) => c.action === 'register' && c.email === 'ada.lovelace@example.org' && c.byPerson === null)).toBe(true);
  });
});
