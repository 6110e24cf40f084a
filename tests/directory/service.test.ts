import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES, openTestStore, type TestStore } from '../helpers/store.js';
import { FIXTURE_YAML, seedDirectory, type Fixture } from '../helpers/directory-fixture.js';
import { DirectoryService, remindersPaused } from '../../src/directory/service.js';
import { importDirectory } from '../../src/directory/import.js';
import { parseDirectoryFile } from '../../src/directory/file.js';
import { AttendanceService } from '../../src/attendance/service.js';
import { exportPersonData, deletePersonData } from '../../src/directory/personal-data.js';
import { QuestionLog } from '../../src/store/question-log.js';
import { NotAuthorisedError, NotFoundError, ValidationError } from '../../src/errors.js';

const TZ = 'Europe/London';
const NOW = new Date('2026-06-17T09:00:00Z');

describe.each(ENGINES)('directory on %s', (engine) => {
  let t: TestStore;
  let p: Fixture;
  let dir: DirectoryService;

  beforeAll(async () => {
    t = await openTestStore(engine);
    p = await seedDirectory(t.store);
    dir = new DirectoryService(t.store, { timeZone: TZ, now: () => NOW });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('re-importing the same file changes nothing; a change is reported', async () => {
    const again = await importDirectory(t.store, parseDirectoryFile(FIXTURE_YAML));
    expect(again.changes).toEqual([]);
    expect(again.people).toEqual({ created: 0, updated: 0, unchanged: 4 });
    const changed = FIXTURE_YAML.replace('name: Sam Okafor', 'name: Sam O. Okafor').replace('C0DIGEST1', 'C0DIGEST2');
    const r = await importDirectory(t.store, parseDirectoryFile(changed));
    expect(r.changes).toEqual(['person sam.okafor@example.org: updated name', 'digest channels: slack [C0DIGEST2], teams [0 conversation(s)]']);
    await importDirectory(t.store, parseDirectoryFile(FIXTURE_YAML));
    expect(await dir.digestChannels()).toEqual({ slack: ['C0DIGEST1'], teams: [] });
  });

  it('resolves platform identities; unknown users are plain staff', async () => {
    const sam = await dir.resolveActor({ platform: 'slack', user: 'U0LEAD001', team: 'T0CAMDEN' });
    expect(sam.person).toMatchObject({ email: 'sam.okafor@example.org', roles: ['oc_lead'], centres: ['acland-burghley'] });
    const priya = await dir.resolveActor({ platform: 'teams', aadObjectId: 'aad-priya', tenantId: 'tenant-1' });
    expect(priya.person?.email).toBe('priya.shah@example.org');
    expect((await dir.resolveActor({ platform: 'slack', user: 'U0LEAD001', team: 'T0OTHER' })).person).toBeNull();
    expect((await dir.resolveActor({ platform: 'teams', aadObjectId: 'aad-priya', tenantId: 'tenant-2' })).person).toBeNull();
  });

  it('knows who may submit and see which centres', async () => {
    const ids = async (c: Promise<{ id: string }[]>) => (await c).map((x) => x.id).sort();
    expect(await ids(dir.submittableCentres(p.sam))).toEqual(['acland-burghley']);
    expect(await ids(dir.submittableCentres(p.priya))).toEqual(['acland-burghley', 'la-sainte-union']);
    expect(await ids(dir.submittableCentres(p.nia))).toEqual([]);
    expect(await ids(dir.submittableCentres(p.ada))).toEqual(['acland-burghley', 'la-sainte-union']); // active only
    expect(await ids(dir.visibleCentres(p.nia))).toEqual(['acland-burghley', 'la-sainte-union']);
    expect((await dir.leadsOfCentre('acland-burghley')).map((x) => x.email)).toEqual(['priya.shah@example.org', 'sam.okafor@example.org']);
    expect((await dir.leadsOfCentre('la-sainte-union')).map((x) => x.email)).toEqual(['priya.shah@example.org']);
    expect((await dir.networkLeads()).map((x) => x.email)).toEqual(['nia.network@example.org']);
  });

  it('lets admins assign roles and centres, and nobody else', async () => {
    await expect(dir.assignRole({ email: 'nia.network@example.org', role: 'admin' }, p.sam)).rejects.toBeInstanceOf(NotAuthorisedError);
    await expect(dir.assignRole({ email: 'ghost@example.org', role: 'admin' }, p.ada)).rejects.toBeInstanceOf(NotFoundError);
    await expect(dir.assignRole({ email: 'nia.network@example.org', role: 'oc_lead' }, p.ada)).rejects.toBeInstanceOf(ValidationError);
    await expect(dir.assignRole({ email: 'nia.network@example.org', role: 'oc_lead', centreId: 'nowhere' }, p.ada)).rejects.toMatchObject({
      problems: [{ field: 'centre' }],
    });
    const nia = await dir.assignRole({ email: 'NIA.network@example.org', role: 'oc_lead', centreId: 'la-sainte-union' }, p.ada);
    expect(nia).toMatchObject({ roles: ['oc_lead', 'network_lead'], centres: ['la-sainte-union'] });
    const again = await dir.assignRole({ email: 'nia.network@example.org', role: 'oc_lead', centreId: 'la-sainte-union' }, p.ada);
    expect(again.centres).toEqual(['la-sainte-union']);
    const removed = await dir.removeRole({ email: 'nia.network@example.org', role: 'oc_lead', centreId: 'la-sainte-union' }, p.ada);
    expect(removed).toMatchObject({ roles: ['network_lead'], centres: [] });
    await expect(dir.removeRole({ email: 'ada.admin@example.org', role: 'admin' }, p.ada)).rejects.toBeInstanceOf(ValidationError);
  });

  it('a restart keeps roles given from chat; a changed file entry or an explicit import applies the file', async () => {
    const file = parseDirectoryFile(FIXTURE_YAML);
    await dir.assignRole({ email: 'nia.network@example.org', role: 'admin' }, p.ada);
    // Start-up import of the same DIRECTORY_FILE: Nia's entry did not change, so the admin's grant stays.
    const start = await importDirectory(t.store, file, undefined, { changedOnly: true });
    expect(start.changes).toEqual([]);
    expect((await dir.findPersonByEmail('nia.network@example.org'))!.roles.sort()).toEqual(['admin', 'network_lead']);
    // The file's entry for Nia changes: the file is what counts for her now.
    const edited = parseDirectoryFile(FIXTURE_YAML.replace('roles: [network_lead]', 'roles: [network_lead, oc_lead]\n    centres: [la-sainte-union]'));
    await importDirectory(t.store, edited, undefined, { changedOnly: true });
    expect((await dir.findPersonByEmail('nia.network@example.org'))!).toMatchObject({ centres: ['la-sainte-union'] });
    expect((await dir.findPersonByEmail('nia.network@example.org'))!.roles.sort()).toEqual(['network_lead', 'oc_lead']);
    // `directory import FILE` applies every entry as written.
    await dir.assignRole({ email: 'sam.okafor@example.org', role: 'network_lead' }, p.ada);
    await importDirectory(t.store, file);
    expect((await dir.findPersonByEmail('sam.okafor@example.org'))!.roles).toEqual(['oc_lead']);
    expect((await dir.findPersonByEmail('nia.network@example.org'))!.roles).toEqual(['network_lead']);
  });

  it('pauses reminders until a date (admins only, not in the past)', async () => {
    await expect(dir.pauseReminders('acland-burghley', '2026-07-01', p.sam)).rejects.toBeInstanceOf(NotAuthorisedError);
    await expect(dir.pauseReminders('acland-burghley', '2026-06-16', p.ada)).rejects.toMatchObject({ problems: [{ field: 'until' }] });
    await expect(dir.pauseReminders('nowhere', '2026-07-01', p.ada)).rejects.toMatchObject({ problems: [{ field: 'centre' }] });
    const c = await dir.pauseReminders('acland-burghley', '2026-07-01', p.ada);
    expect(c.remindersPausedUntil).toBe('2026-07-01');
    expect(remindersPaused(c, '2026-07-01')).toBe(true);
    expect(remindersPaused(c, '2026-07-02')).toBe(false);
    expect((await dir.resumeReminders('acland-burghley', p.ada)).remindersPausedUntil).toBeNull();
  });

  it('keeps a Teams conversation reference for an unknown user and links it when they are imported', async () => {
    const identity = { aadObjectId: 'aad-new', tenantId: 'tenant-1' };
    await dir.saveTeamsConversationReference(identity, { conversation: { id: 'a:1' }, serviceUrl: 'http://127.0.0.1/' });
    expect((await dir.resolveActor({ platform: 'teams', ...identity })).person).toBeNull();
    expect(await dir.markTeamsUnreachable(identity)).toBe(true);
    await dir.saveTeamsConversationReference(identity, { conversation: { id: 'a:2' }, serviceUrl: 'http://127.0.0.1/' });
    const yaml = FIXTURE_YAML + '  - name: New Lead\n    email: new.lead@example.org\n    roles: [oc_lead]\n    centres: [la-sainte-union]\n    teams: { aadObjectId: aad-new, tenantId: tenant-1 }\n';
    const r = await importDirectory(t.store, parseDirectoryFile(yaml.replace('digest:\n  slackChannels: [C0DIGEST1]\n  teamsChannels: []\n', '') + 'digest:\n  slackChannels: [C0DIGEST1]\n'));
    expect(r.changes).toContain('person new.lead@example.org: created (oc_lead)');
    const actor = await dir.resolveActor({ platform: 'teams', ...identity });
    expect(actor.person?.teams).toEqual({ ...identity, conversationReference: { conversation: { id: 'a:2' }, serviceUrl: 'http://127.0.0.1/' }, reachable: true, linkedVia: 'file' });
    expect(await dir.markTeamsUnreachable(identity)).toBe(true);
    expect((await dir.resolveActor({ platform: 'teams', ...identity })).person?.teams?.reachable).toBe(false);
    expect(await dir.markTeamsUnreachable(identity)).toBe(false);
  });

  it('exports and deletes one person, keeping the centre return anonymised', async () => {
    const attendance = new AttendanceService(t.store, dir, { timeZone: TZ, now: () => NOW });
    const log = new QuestionLog(t.store, { retentionDays: 180 });
    const figures = { sessions: 1, academic: 1, enrichment: 0, careers: 0, digital: 0, weekend: 0, attendances: 5, pupils: 5, fsm: 1, send: 1, parents: 0 };
    await attendance.submit(p.sam, { centreId: 'acland-burghley', week: '2026-06-08', figures, idempotencyKey: 'slack:view:V0SAM:abc' });
    await log.record({ platform: 'slack', userId: 'U0LEAD001', question: 'When is the CPD day?', answered: false, at: NOW });
    await log.record({ platform: 'slack', userId: 'U0SOMEONE', question: 'Other person question', answered: false, at: NOW });

    const exported = await exportPersonData(t.store, log.keys, { email: 'sam.okafor@example.org' });
    expect(exported.person?.email).toBe('sam.okafor@example.org');
    expect(exported.records.slack_identities).toEqual([{ team_id: 'T0CAMDEN', user_id: 'U0LEAD001', linked_via: 'file', linked_at: expect.any(Date) }]);
    expect(exported.records.person_roles).toEqual([{ role: 'oc_lead' }]);
    expect(exported.records.attendance_return_versions!.map((v: any) => [v.centre_id, v.week_start, v.version])).toEqual([['acland-burghley', '2026-06-08', 1]]);
    expect(exported.records.attendance_submission_keys!.map((k: any) => k.idempotency_key)).toEqual(['slack:view:V0SAM:abc']);
    expect(exported.records.question_log!.map((q: any) => q.question)).toEqual(['When is the CPD day?']);
    expect(exported.records.settings).toEqual([{ key: 'directory_file_entries', email: 'sam.okafor@example.org', entryHash: expect.any(String) }]);
    expect(JSON.parse(JSON.stringify(exported)).person.name).toBe('Sam Okafor');

    const report = await deletePersonData(t.store, log.keys, { email: 'sam.okafor@example.org' });
    expect(report).toMatchObject({ email: 'sam.okafor@example.org', personDeleted: true, returnsAnonymised: 1, questionsDeleted: 1, tombstoned: true });
    expect(await dir.findPersonByEmail('sam.okafor@example.org')).toBeNull();
    expect((await dir.resolveActor({ platform: 'slack', user: 'U0LEAD001', team: 'T0CAMDEN' })).person).toBeNull();
    const kept = await attendance.get('acland-burghley', '2026-06-08');
    expect(kept).toMatchObject({ submittedBy: null, submittedByName: null, figures });
    // The submission's delivery id (a Slack view id the platform could link to Sam) is gone too.
    const keys = await t.store.db.query<{ idempotency_key: string }>("SELECT idempotency_key FROM attendance_submission_keys WHERE centre_id = 'acland-burghley' AND week_start = '2026-06-08'");
    expect(keys.rows.map((k) => k.idempotency_key)).toEqual([expect.stringMatching(/^erased:/)]);
    expect((await t.store.settings.get('directory_file_entries')) ?? '').not.toContain('sam.okafor');
    expect((await t.store.questionLog.topUnanswered(new Date(0), new Date('2030-01-01'), 10)).map((q) => q.question)).toEqual(['Other person question']);
    await expect(exportPersonData(t.store, log.keys, { email: 'sam.okafor@example.org' })).rejects.toThrow(/was deleted on \d{4}-\d\d-\d\d/);
  });

  it('a deleted person listed in the directory file is not re-created without --recreate-deleted, and the report says so', async () => {
    // Sam was deleted above; the file still lists them.
    for (const changedOnly of [true, false]) {
      const r = await importDirectory(t.store, parseDirectoryFile(FIXTURE_YAML), undefined, { changedOnly });
      expect(r.refused).toEqual([expect.stringMatching(/^person sam\.okafor@example\.org: not re-created: deleted on \d{4}-\d\d-\d\d .*--recreate-deleted/)]);
      expect(r.changes.join('\n')).not.toContain('sam.okafor');
      expect(await dir.findPersonByEmail('sam.okafor@example.org')).toBeNull();
    }
    expect((await t.store.settings.get('directory_file_entries')) ?? '').not.toContain('sam.okafor');
    const again = await importDirectory(t.store, parseDirectoryFile(FIXTURE_YAML), undefined, { recreateDeleted: true });
    expect(again.refused).toEqual([]);
    expect(again.changes).toContain('person sam.okafor@example.org: re-created after deletion on ' + new Date().toISOString().slice(0, 10) + ' (oc_lead)');
    expect((await dir.findPersonByEmail('sam.okafor@example.org'))?.roles).toEqual(['oc_lead']);
    // The tombstone is gone with the explicit re-creation: an ordinary import keeps them.
    expect((await importDirectory(t.store, parseDirectoryFile(FIXTURE_YAML))).refused).toEqual([]);
    expect(await t.store.db.query('SELECT * FROM deleted_people')).toMatchObject({ rows: [] });
  });

  it('exports and erases someone known only by a chat id (plain staff), leaving no tombstone', async () => {
    const log = new QuestionLog(t.store, { retentionDays: 180 });
    await log.record({ platform: 'teams', userId: 'aad-staff-9', question: 'Where is the SEND guidance?', answered: true, at: NOW });
    await dir.saveTeamsConversationReference({ aadObjectId: 'aad-staff-9', tenantId: 'tenant-1' }, { conversation: { id: 'a:staff9' } });
    const exported = await exportPersonData(t.store, log.keys, { teamsAadObjectIds: ['aad-staff-9'] });
    expect(exported.person).toBeNull();
    expect(exported.records.question_log!.map((q: any) => q.question)).toEqual(['Where is the SEND guidance?']);
    expect(exported.records.teams_identities).toEqual([expect.objectContaining({ aad_object_id: 'aad-staff-9', person_id: null })]);
    const r = await deletePersonData(t.store, log.keys, { teamsAadObjectIds: ['aad-staff-9'] });
    expect(r).toMatchObject({ personDeleted: false, questionsDeleted: 1, tombstoned: false, changed: { teams_identities: 1 } });
    const after = await exportPersonData(t.store, log.keys, { teamsAadObjectIds: ['aad-staff-9'] });
    expect(Object.values(after.records).flat()).toEqual([]);
    await expect(exportPersonData(t.store, log.keys, { email: 'nobody@example.org' })).rejects.toBeInstanceOf(NotFoundError);
  });
});
