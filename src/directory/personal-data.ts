import type { Logger } from '../logger.js';
import { NotFoundError, UnavailableError, ValidationError } from '../errors.js';
import type { Store } from '../store/store.js';
import type { SubjectKeys } from '../store/subject-keys.js';
import type { DataSubjectKeys } from '../store/personal-data-repo.js';
import type { Person } from './types.js';

/**
 * Subject access and erasure (UK GDPR articles 15 and 17, as schools apply them): everything the bot holds about one
 * person, across the database and the other stores the composition root plugs in (Redis job data), as one JSON
 * document; and erasure that leaves nothing naming them or linkable to them, except the centres' returns (kept,
 * submitter removed) and a tombstone of their email. docs/data-protection.md is the record of processing.
 */

/** Whom a request is about: a directory email, and/or chat ids of someone the directory does not list. */
export interface SubjectQuery {
  email?: string;
  /** Slack user ids (plain staff who asked questions or voted, or a directory person's former account). */
  slackUserIds?: string[];
  /** Teams AAD object ids. */
  teamsAadObjectIds?: string[];
}

/** One person, resolved: their directory entry (if any), every chat id to search by, and the keyed hashes of those. */
export interface DataSubject {
  email: string | null;
  person: Person | null;
  slackUserIds: string[];
  teamsAadObjectIds: string[];
  /** What the store searches by. */
  keys: DataSubjectKeys;
}

/** Personal data held outside the database (Redis job data); the composition root provides these. */
export interface PersonalDataSource {
  /** Key of its records in the export document, e.g. "redis:notifications". */
  readonly name: string;
  export(subject: DataSubject): Promise<unknown[]>;
  /** Removes the subject's records; returns how many. Throws when the store cannot be reached. */
  erase(subject: DataSubject): Promise<number>;
}

export interface PersonDataExport {
  exportedAt: string;
  subject: {
    email: string | null;
    slackUserIds: string[];
    teamsAadObjectIds: string[];
    /** The keyed hashes that stand for these ids in the question log, stored answers and votes. */
    pseudonyms: string[];
  };
  /** The directory entry (roles, centres, identities), or null for someone known only by a chat id. */
  person: Person | null;
  /** Every table and other store that can hold personal data, with this person's records (empty when none). */
  records: Record<string, unknown[]>;
  /** What erasure keeps, and why. */
  retainedOnErasure: string;
}

export interface PersonDeleteReport {
  email: string | null;
  personDeleted: boolean;
  /** Return versions kept for the centre with the submitter removed. */
  returnsAnonymised: number;
  questionsDeleted: number;
  answersDeleted: number;
  votesDeleted: number;
  /** Rows or records removed or changed, per table / store. */
  changed: Record<string, number>;
  /** An email tombstone was written: the directory file cannot silently re-create them. */
  tombstoned: boolean;
}

const RETAINED =
  "Attendance returns you submitted are kept: the figures are the centre's and feed the network's reporting. Erasure removes your " +
  'name and id from every version (history then shows "deleted person"). A keyed hash of your email is kept so that a directory ' +
  'file still listing you does not silently add you again.';

function clean(ids: string[] | undefined): string[] {
  return [...new Set((ids ?? []).map((x) => x.trim()).filter(Boolean))];
}

/** Finds the person (by email) and every chat id and keyed hash to search by. NotFoundError when there is nothing to find. */
export async function resolveSubject(store: Store, keys: SubjectKeys, query: SubjectQuery): Promise<DataSubject> {
  const email = query.email?.trim().toLowerCase() || null;
  if (email !== null && !/^[^\s@]+@[^\s@]+$/.test(email)) {
    throw new ValidationError([{ field: 'email', message: `"${query.email}" is not an email address.` }]);
  }
  const person = email ? await store.directory.findPersonByEmail(email) : null;
  if (email && !person) {
    const tomb = (await store.personalData.tombstones([email])).get(email);
    const when = tomb ? ` The person with this email was deleted on ${tomb.deletedAt.toISOString().slice(0, 10)}.` : '';
    if (!query.slackUserIds?.length && !query.teamsAadObjectIds?.length) {
      throw new NotFoundError(`No one with the email ${email} is in the directory.${when}`);
    }
  }
  const slackUserIds = clean([...(person?.slack ? [person.slack.user] : []), ...(query.slackUserIds ?? [])]);
  const teamsAadObjectIds = clean([...(person?.teams ? [person.teams.aadObjectId] : []), ...(query.teamsAadObjectIds ?? [])]);
  if (!person && !slackUserIds.length && !teamsAadObjectIds.length) {
    throw new ValidationError([{ field: 'subject', message: 'Give an email, a Slack user id or a Teams AAD object id.' }]);
  }
  const userHashes = [
    ...(await Promise.all(slackUserIds.map((id) => keys.user('slack', id)))),
    ...(await Promise.all(teamsAadObjectIds.map((id) => keys.user('teams', id)))),
  ];
  return {
    email: person?.email ?? null,
    person,
    slackUserIds,
    teamsAadObjectIds,
    keys: {
      personId: person?.id ?? null,
      email: person?.email ?? null,
      userHashes,
      teams: teamsAadObjectIds.map((aadObjectId) => ({ aadObjectId })),
    },
  };
}

/** `directory export`: everything held about the subject, as one JSON-ready document. */
export async function exportPersonData(
  store: Store,
  keys: SubjectKeys,
  query: SubjectQuery,
  sources: PersonalDataSource[] = [],
): Promise<PersonDataExport> {
  const subject = await resolveSubject(store, keys, query);
  const records: Record<string, unknown[]> = { ...(await store.personalData.export(subject.keys)) };
  for (const source of sources) {
    try {
      records[source.name] = await source.export(subject);
    } catch (err) {
      throw new UnavailableError(
        `Could not read ${source.name} (${(err as Error).message}), so the export would be incomplete. Nothing was printed; try again when it is reachable.`,
        { cause: err },
      );
    }
  }
  return {
    exportedAt: new Date().toISOString(),
    subject: {
      email: subject.email,
      slackUserIds: subject.slackUserIds,
      teamsAadObjectIds: subject.teamsAadObjectIds,
      pseudonyms: subject.keys.userHashes,
    },
    person: subject.person,
    records,
    retainedOnErasure: RETAINED,
  };
}

/**
 * `directory delete`: erases the subject everywhere. The other stores (Redis) go first, so an unreachable one stops
 * the erasure before anything changed; the database follows in one transaction (with the tombstone); the other stores
 * are swept once more for anything queued meanwhile.
 */
export async function deletePersonData(
  store: Store,
  keys: SubjectKeys,
  query: SubjectQuery,
  sources: PersonalDataSource[] = [],
  logger?: Logger,
): Promise<PersonDeleteReport> {
  const subject = await resolveSubject(store, keys, query);
  const changed: Record<string, number> = {};
  for (const source of sources) {
    try {
      changed[source.name] = await source.erase(subject);
    } catch (err) {
      throw new UnavailableError(
        `Could not reach ${source.name} (${(err as Error).message}). Nothing was deleted: try again when it is reachable.`,
        { cause: err },
      );
    }
  }
  Object.assign(changed, await store.personalData.erase(subject.keys));
  try {
    await store.personalData.compact();
  } catch (err) {
    // The erasure itself is committed; the files are rewritten by the next erasure or the database's own vacuum.
    logger?.warn({ err }, 'could not compact the database after an erasure');
  }
  for (const source of sources) {
    try {
      changed[source.name]! += await source.erase(subject);
    } catch (err) {
      logger?.warn({ err, source: source.name }, 'second sweep after erasure failed; anything queued meanwhile expires with its retention');
    }
  }
  const report: PersonDeleteReport = {
    email: subject.email,
    personDeleted: (changed.people ?? 0) > 0,
    returnsAnonymised: changed.attendance_return_versions ?? 0,
    questionsDeleted: changed.question_log ?? 0,
    answersDeleted: changed.bot_answers ?? 0,
    votesDeleted: changed.bot_feedback ?? 0,
    changed,
    tombstoned: subject.email !== null,
  };
  logger?.info({ person: subject.person?.id ?? null, changed }, 'personal data erased');
  return report;
}
