import { createHash } from 'node:crypto';
import type { Logger } from '../logger.js';
import { currentWeekStart, weekStartOf } from '../shared/calendar.js';
import type { Store } from '../store/store.js';
import { DIRECTORY_ENTRIES_SETTING } from '../store/personal-data-repo.js';
import type { DirectoryFile } from './file.js';

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
}

export interface ImportOptions {
  /**
   * Apply only the people whose entry differs from the last import of a file (DIRECTORY_FILE at start), so a
   * restart keeps roles and centres an admin gave from chat. Without it (`directory import FILE`) every listed
   * person gets exactly what the file says.
   */
  changedOnly?: boolean;
  /** SCHEDULE_TIMEZONE: a new centre's returns are due from the week it is added, in this zone. Default Europe/London. */
  timeZone?: string;
  /** Clock for "the week it is added" (tests). */
  now?: Date;
  /** Re-create people the file lists who were erased with `directory delete` (`directory import FILE --recreate-deleted`). */
  recreateDeleted?: boolean;
}

const ENTRIES_KEY = DIRECTORY_ENTRIES_SETTING;
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
      if (options.changedOnly && before[email] === after[email] && (await repo.findPersonByEmail(email, tx))) {
        report.people.unchanged++;
        continue;
      }
      const { id, status } = await repo.upsertPerson({ name: p.name, email: p.email }, tx);
      const what: string[] = [];
      if (status === 'updated') what.push('name');
      if (await repo.setRoles(id, p.roles, tx)) what.push(`roles [${p.roles.join(', ')}]`);
      if (await repo.setLeadCentres(id, p.centres, tx)) what.push(`centres [${p.centres.join(', ')}]`);
      if (await repo.setSlackIdentity(id, p.slack ?? null, tx)) what.push(p.slack ? 'slack identity' : 'slack identity removed');
      if (await repo.setTeamsIdentity(id, p.teams ?? null, tx)) what.push(p.teams ? 'teams identity' : 'teams identity removed');
      const final = status === 'created' ? 'created' : what.length ? 'updated' : 'unchanged';
      report.people[final]++;
      if (recreated) report.changes.push(`person ${p.email}: re-created after deletion on ${day(tombstone!.deletedAt)} (${p.roles.join(', ') || 'no roles'})`);
      else if (status === 'created') report.changes.push(`person ${p.email}: created (${p.roles.join(', ') || 'no roles'})`);
      else if (what.length) report.changes.push(`person ${p.email}: updated ${what.join(', ')}`);
    }
    await store.settings.set(ENTRIES_KEY, JSON.stringify(after), tx);
    if (await repo.setDigestChannels({ slack: file.digest.slackChannels, teams: file.digest.teamsChannels }, tx)) {
      report.changes.push(
        `digest channels: slack [${file.digest.slackChannels.join(', ')}], teams [${file.digest.teamsChannels.length} conversation(s)]`,
      );
    }
  });
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

/** Reads, validates and imports a directory file (DIRECTORY_FILE at start, or `directory import FILE`). */
export async function importDirectoryFile(store: Store, path: string, logger?: Logger, options: ImportOptions = {}): Promise<ImportReport> {
  const { readDirectoryFile } = await import('./file.js');
  return importDirectory(store, await readDirectoryFile(path), logger, options);
}
