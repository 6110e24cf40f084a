import type { Logger } from '../logger.js';
import { NotFoundError } from '../errors.js';
import type { Store } from '../store/store.js';
import type { QuestionLog } from '../store/question-log.js';
import type { Person } from './types.js';

/** Everything held about one person, for a subject access request. */
export interface PersonDataExport {
  exportedAt: string;
  person: Person;
  records: Awaited<ReturnType<Store['directory']['personRecords']>>;
  /** Return versions this person submitted (figures belong to the centre; the submitter link is theirs). */
  returnsSubmitted: Awaited<ReturnType<Store['returns']['submittedBy']>>;
  /** Questions they asked, found through the salted hashes of their platform ids. */
  questions: { askedAt: Date; platform: string; question: string; answered: boolean }[];
}

export interface PersonDeleteReport {
  email: string;
  personDeleted: boolean;
  /** Return versions kept for the centre with the submitter removed. */
  returnsAnonymised: number;
  questionsDeleted: number;
}

async function userHashes(questionLog: QuestionLog | undefined, person: Person): Promise<string[]> {
  if (!questionLog) return [];
  const hashes: string[] = [];
  if (person.slack) hashes.push(await questionLog.hashUser('slack', person.slack.user));
  if (person.teams) hashes.push(await questionLog.hashUser('teams', person.teams.aadObjectId));
  return hashes;
}

async function requirePerson(store: Store, email: string): Promise<Person> {
  const person = await store.directory.findPersonByEmail(email);
  if (!person) throw new NotFoundError(`No one with the email ${email.trim().toLowerCase()} is in the directory.`);
  return person;
}

export async function exportPersonData(store: Store, questionLog: QuestionLog | undefined, email: string): Promise<PersonDataExport> {
  const person = await requirePerson(store, email);
  const hashes = await userHashes(questionLog, person);
  const questions = await store.questionLog.byUserHashes(hashes);
  return {
    exportedAt: new Date().toISOString(),
    person,
    records: await store.directory.personRecords(person.id),
    returnsSubmitted: await store.returns.submittedBy(person.id),
    questions: questions.map((q) => ({ askedAt: q.askedAt, platform: q.platform, question: q.question, answered: q.answered })),
  };
}

/**
 * Deletes the person, their roles, identities (with Teams conversation references) and logged questions.
 * Their centres' returns are kept — they are the centre's figures, not personal data — with the submitter
 * anonymised (id and name cleared), so totals and the amendment trail survive.
 */
export async function deletePersonData(
  store: Store,
  questionLog: QuestionLog | undefined,
  email: string,
  logger?: Logger,
): Promise<PersonDeleteReport> {
  const person = await requirePerson(store, email);
  const hashes = await userHashes(questionLog, person);
  const report = await store.db.transaction(async (tx) => {
    const returnsAnonymised = await store.returns.anonymiseSubmitter(person.id, tx);
    const questionsDeleted = await store.questionLog.deleteByUserHashes(hashes, tx);
    const personDeleted = await store.directory.deletePerson(person.id, tx);
    return { email: person.email, personDeleted, returnsAnonymised, questionsDeleted };
  });
  logger?.info({ person: person.id, returnsAnonymised: report.returnsAnonymised, questionsDeleted: report.questionsDeleted }, 'person deleted');
  return report;
}
