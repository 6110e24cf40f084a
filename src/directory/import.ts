import { createHash } from 'node:crypto';
import type { Logger } from '../logger.js';
import { currentWeekStart, weekStartOf } from '../shared/calendar.js';
import type { Queryable } from '../store/db.js';
import type { Store } from '../store/store.js';
import { DIRECTORY_ENTRIES_SETTING } from '../store/personal-data-repo.js';
import type { DirectoryFile } from './file.js';
import type { Person } from './types.js';

export interface ImportReport {
  /** One line per change, e.g. "centre acland-burghley: created". Empty when the file matched the store. */
  changes: string[];
  centres: { created: number; updated: number; unchanged: number };
  people: { created: number; updated: number; unchanged: number };
  /**
   * People the file lists who were erased with `directory delete`: not re-created (one line each, saying how to),
   * unless the import was asked to re-create them.
   */
  refused: string[];
  /**
   * The file and changes made in chat disagree and both changed since the last import: the chat change was kept
   * (or, with `preferFile`, replaced). One line each, saying what each side says and how to settle it.
   */
  conflicts: string[];
  /**
   * People (and digest channels) an admin changed in chat whose file entry has not changed since the last import:
   * the chat change stays. One line each.
   */
  keptFromChat: string[];
}

export interface ImportOptions {
  /**
   * Apply only the people whose entry differs from the last import of a file (DIRECTORY_FILE at start). Without it
   * (`directory import FILE`) every listed person gets what the file says, except people an admin changed in chat
   * since (kept while their entry is unchanged; a conflict when it changed, unless `preferFile`).
   */
  changedOnly?: boolean;
  /** SCHEDULE_TIMEZONE: a new centre's returns are due from the week it is added, in this zone. Default Europe/London. */
  timeZone?: string;
  /** Clock for "the week it is added" (tests). */
  now?: Date;
  /** Re-create people the file lists who were erased with `directory delete` (`directory import FILE --recreate-deleted`). */
  recreateDeleted?: boolean;
  /** On a conflict with a change made in chat, apply the file anyway (`directory import FILE --prefer-file`). */
  preferFile?: boolean;
}

const ENTRIES_KEY = DIRECTORY_ENTRIES_SETTING;
/** Settings key: hash of the file's digest section at the last import. */
const DIGEST_KEY = 'directory_file_digest';

function digestHash(d: DirectoryFile['digest']): string {
  return createHash('sha256').update(JSON.stringify({ slack: [...d.slackChannels].sort(), teams: [...d.teamsChannels].sort() })).digest('hex');
}

const list = (xs: readonly string[]) => `[${xs.join(', ')}]`;
const sorted = (xs: readonly string[]) => [...new Set(xs)].sort();
const sameSet = (a: readonly string[], b: readonly string[]) => sorted(a).join('\u0000') === sorted(b).join('\u0000');

/** What the file says about a person, against what the store holds: name, roles, centres. */
function differences(file: DirectoryFile['people'][number], stored: Person): string[] {
  const out: string[] = [];
  if (file.name !== stored.name) out.push(`name "${file.name}" in the file, "${stored.name}" in the bot`);
  if (!sameSet(file.roles, stored.roles)) out.push(`roles ${list(file.roles)} in the file, ${list(stored.roles)} in the bot`);
  if (!sameSet(file.centres, stored.centres)) out.push(`centres ${list(file.centres)} in the file, ${list(stored.centres)} in the bot`);
  return out;
}

const day = (d: Date) => d.toISOString().slice(0, 10);

function entryHash(p: DirectoryFile['people'][number]): string {
  const entry = { name: p.name, roles: [...p.roles].sort(), centres: [...p.centres].sort(), slack: p.slack ?? null, teams: p.teams ?? null };
  return createHash('sha256').update(JSON.stringify(entry)).digest('hex');
}

/**
 * Upserts the file's centres, people, roles, identities and digest channels in one transaction. Idempotent:
 * importing the same file again changes nothing. People and centres missing from the file are left as they are
 * (admins may have added them from chat); listed people get exactly the roles and centres the file gives them
 * (with `changedOnly`, only those whose entry changed since the last import).
 */
export async function importDirectory(store: Store, file: DirectoryFile, logger?: Logger, options: ImportOptions = {}): Promise<ImportReport> {
  const report: ImportReport = {
    changes: [],
    centres: { created: 0, updated: 0, unchanged: 0 },
    people: { created: 0, updated: 0, unchanged: 0 },
    refused: [],
    conflicts: [],
    keptFromChat: [],
  };
  const repo = store.directory;
  // Read before the transaction: the tombstones' key may need creating, which PGlite cannot do inside one.
  const tombstones = await store.personalData.tombstones(file.people.map((p) => p.email));
  await repo.transaction(async (tx) => {
    const before = JSON.parse((await store.settings.get(ENTRIES_KEY, tx)) ?? '{}') as Record<string, string>;
    const after: Record<string, string> = {};
    const addedWeek = currentWeekStart(options.now ?? new Date(), options.timeZone ?? 'Europe/London');
    for (const c of file.centres) {
      const status = await repo.upsertCentre(
        { id: c.id, name: c.name, active: c.active ?? true, returnsFrom: c.from ? weekStartOf(c.from) : undefined, returnsFromIfNew: addedWeek },
        tx,
      );
      report.centres[status]++;
      if (status !== 'unchanged') report.changes.push(`centre ${c.id}: ${status}`);
    }
    for (const p of file.people) {
      const email = p.email.trim().toLowerCase();
      const tombstone = tombstones.get(email);
      let recreated = false;
      if (tombstone && !(await repo.findPersonByEmail(email, tx))) {
        if (!options.recreateDeleted) {
          report.refused.push(
            `person ${email}: not re-created: deleted on ${day(tombstone.deletedAt)} with "directory delete". ` +
              'Remove them from the file, or run "directory import FILE --recreate-deleted" to add them again.',
          );
          continue;
        }
        await store.personalData.forgetTombstone(tombstone.key, tx);
        recreated = true;
      }
      after[email] = entryHash(p);
      const entryUnchanged = before[email] === after[email];
      const current = await repo.findPersonByEmail(email, tx);
      if (options.changedOnly && entryUnchanged && current) {
        report.people.unchanged++;
        continue;
      }
      // An admin changed this person in chat since the file last set them: the file must not silently undo it.
      const differs = current?.chatChangedAt ? differences(p, current) : [];
      if (current?.chatChangedAt && differs.length && !options.preferFile) {
        const when = `changed in chat on ${day(current.chatChangedAt)}`;
        if (entryUnchanged) {
          report.keptFromChat.push(`person ${email}: kept as ${when} (${differs.join('; ')}); the file entry has not changed since the last import`);
        } else {
          // Not recorded as imported, so the conflict is reported again until it is settled.
          if (before[email] !== undefined) after[email] = before[email]!;
          else delete after[email];
          const edited = before[email] === undefined ? 'added to the file' : 'edited in the file since the last import';
          report.conflicts.push(
            `person ${email}: conflict: ${when} and ${edited} (${differs.join('; ')}). ` +
              'Kept the chat change. Edit the file to match, or run "directory import FILE --prefer-file" to apply the file.',
          );
        }
        report.people.unchanged++;
        continue;
      }
      const { id, status } = await repo.upsertPerson({ name: p.name, email: p.email }, tx);
      const what: string[] = [];
      if (status === 'updated') what.push('name');
      if (await repo.setRoles(id, p.roles, tx)) what.push(`roles [${p.roles.join(', ')}]`);
      if (await repo.setLeadCentres(id, p.centres, tx)) what.push(`centres [${p.centres.join(', ')}]`);
      // A file entry without chat ids leaves links made by email or by an admin alone; it removes only its own.
      if (p.slack || current?.slack?.linkedVia === 'file') {
        if (await repo.setSlackIdentity(id, p.slack ?? null, tx)) what.push(p.slack ? 'slack identity' : 'slack identity removed');
      }
      if (p.teams || current?.teams?.linkedVia === 'file') {
        if (await repo.setTeamsIdentity(id, p.teams ?? null, tx)) what.push(p.teams ? 'teams identity' : 'teams identity removed');
      }
      if (current?.chatChangedAt) {
        await repo.setChangedInChat(id, false, tx);
        if (differs.length) what.push('replacing the change made in chat');
      }
      const final = status === 'created' ? 'created' : what.length ? 'updated' : 'unchanged';
      report.people[final]++;
      const line = recreated
        ? `person ${p.email}: re-created after deletion on ${day(tombstone!.deletedAt)} (${p.roles.join(', ') || 'no roles'})`
        : status === 'created'
          ? `person ${p.email}: created (${p.roles.join(', ') || 'no roles'})`
          : what.length
            ? `person ${p.email}: updated ${what.join(', ')}`
            : null;
      if (line) {
        report.changes.push(line);
        await repo.recordChange({ source: 'file', byName: 'directory file', action: 'import', personId: id, email, detail: line.replace(/^person \S+: /, '') }, tx);
      }
    }
    await store.settings.set(ENTRIES_KEY, JSON.stringify(after), tx);
    await importDigestChannels(store, file, tx, report, options);
  });
  if (report.conflicts.length) {
    logger?.warn({ conflicts: report.conflicts.length }, 'the directory file and changes made in chat disagree; the chat changes were kept (see "directory import FILE")');
  }
  logger?.info({ centres: report.centres, people: report.people, changes: report.changes.length }, 'directory imported');
  // Counted, not named: the log must not keep the email of someone who asked to be erased.
  if (report.refused.length) {
    logger?.warn(
      { refused: report.refused.length },
      'the directory file lists people who were deleted; they were not re-created (remove them from the file, or run "directory import FILE --recreate-deleted")',
    );
  }
  return report;
}

/**
 * The file's digest channels. Channels added in chat stay; a file channel an admin removed in chat stays removed
 * (reported), unless `preferFile`. At start-up an unchanged digest section is not applied again.
 */
async function importDigestChannels(store: Store, file: DirectoryFile, tx: Queryable, report: ImportReport, options: ImportOptions): Promise<void> {
  const repo = store.directory;
  const hash = digestHash(file.digest);
  const unchanged = (await store.settings.get(DIGEST_KEY, tx)) === hash;
  if (options.changedOnly && unchanged) return;
  const wanted = { slack: file.digest.slackChannels, teams: file.digest.teamsChannels };
  for (const c of await repo.listDigestChannels(tx)) {
    if (!c.removedAt || !wanted[c.platform].includes(c.channelId) || options.preferFile) continue;
    const line = `digest channel ${c.channelId}: removed in chat on ${day(c.removedAt)} but listed in the file`;
    if (unchanged) report.keptFromChat.push(`${line}; kept removed (the file's digest channels have not changed since the last import)`);
    else report.conflicts.push(`${line}: conflict, kept removed. Take it out of the file, or run "directory import FILE --prefer-file" to post there again.`);
  }
  if (await repo.setDigestChannels(wanted, tx, { restoreRemoved: options.preferFile })) {
    report.changes.push(`digest channels: slack [${file.digest.slackChannels.join(', ')}], teams [${file.digest.teamsChannels.length} conversation(s)]`);
  }
  await store.settings.set(DIGEST_KEY, hash, tx);
}

/** Reads, validates and imports a directory file (DIRECTORY_FILE at start, or `directory import FILE`). */
export async function importDirectoryFile(store: Store, path: string, logger?: Logger, options: ImportOptions = {}): Promise<ImportReport> {
  const { readDirectoryFile } = await import('./file.js');
  return importDirectory(store, await readDirectoryFile(path), logger, options);
}
