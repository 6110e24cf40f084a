import type { Answerer } from '../knowledge/types.js';
import type { Logger } from '../logger.js';
import type { Actor, Centre, Person, PlatformIdentity, Role } from '../directory/types.js';
import type { ReturnSubmission, StoredReturn, SubmitResult, SubmittedReturn } from '../attendance/types.js';
import type { AttendanceForm, StatusRow } from '../attendance/service.js';

export type { AttendanceForm, StatusRow };
import type { Reply } from '../shared/reply.js';
import type { Platform } from '../shared/platform.js';
import type { AnswerRelation, NewAnswer, StoredAnswer } from '../store/bot-answers-repo.js';
import type { ProfileLookup } from '../directory/linking.js';
import type { AdminDeps } from './admin.js';

/**
 * What the bot core needs from the domain services. The composition root (app/compose.ts) adapts the
 * directory, attendance, question-log and digest services to these narrow ports, so the core stays testable
 * and independent of storage details.
 */
export interface DirectoryPort {
  /**
   * Platform identity -> Actor; unknown people are plain staff (person null). With `profile`, an identity no entry
   * names yet is linked to the directory person with the same email.
   */
  resolveActor(identity: PlatformIdentity, profile?: ProfileLookup): Promise<Actor>;
  /** Centres this person may submit for (oc_lead: theirs; admin: all active); status says when new ones are due. */
  submittableCentres(person: Person): Promise<Centre[]>;
}

/** A parsed quick form: what was typed, checked by the service on submit like any other return. */
export type QuickFormInput = Omit<ReturnSubmission, 'idempotencyKey'>;

/** The attendance service as the core uses it: the rights and every check of a return are the service's. */
export interface AttendancePort {
  /** NotAuthorisedError unless the person may report returns (an oc_lead or an admin). */
  requireReporter(person: Person | null): Person;
  /** The attendance form's choices for this person; a preset (a reminder's button) names the centre and week. */
  formFor(person: Person | null, preset?: { centreId?: string; week?: string }): Promise<AttendanceForm>;
  /** Parse `/attendance <quick form>`'s words; throws ValidationError naming what could not be read. */
  parseQuickForm(text: string): QuickFormInput;
  /** Check and store; throws ValidationError / NotAuthorisedError; idempotent on submission.idempotencyKey. */
  submit(person: Person | null, submission: ReturnSubmission): Promise<SubmittedReturn>;
  /** The person's centres × recent weeks, newest first; NotAuthorisedError for people with no role. */
  status(person: Person | null, weeks: number): Promise<StatusRow[]>;
  /**
   * Monday (YYYY-MM-DD) of the week a return is due for: the week in progress from the week's first reminder
   * (Friday 14:00 by default), the week just ended before it. Every default week is this one.
   */
  defaultWeek(now?: Date): string;
  /** The due-week rule in a sentence, for the form's week hint. */
  dueWeekRule(now?: Date): string;
  /** The latest version of a centre's return for a week (any day of it), or null. */
  get(centreId: string, week: string): Promise<StoredReturn | null>;
  /** Latest versions of returns in the weeks containing [from, to], optionally one centre's. */
  list(q: { from: string; to: string; centreId?: string }): Promise<StoredReturn[]>;
}

export interface QuestionLogPort {
  /** Record an asked question; the implementation stores a salted hash of the user id, never the id itself. */
  record(entry: { platform: Platform; userId: string; question: string; answered: boolean; at?: Date }): Promise<void>;
}

export interface DigestPort {
  /** Latest weekly digest as a Reply; network leads and admins only (NotAuthorisedError otherwise). */
  latestDigestFor(actor: Actor): Promise<Reply>;
  /** The digest of the week containing `week` (YYYY-MM-DD); the same rights; ValidationError for a week not begun. */
  digestForWeek(actor: Actor, week: string): Promise<Reply>;
}

/** Told when a return is stored (created or amended), so the week's reminders can say it was received. */
export interface ReturnEventsPort {
  stored(event: { centreId: string; weekStart: string; status: 'created' | 'amended' }): void | Promise<void>;
}

export type { AnswerRelation, NewAnswer, StoredAnswer };

/** The store of given answers (src/store/bot-answers-repo.ts). */
export interface AnswerStorePort {
  save(answer: NewAnswer): Promise<StoredAnswer>;
  get(id: string): Promise<StoredAnswer | null>;
  /** The first question asked in a thread (its root), or null. */
  threadRoot(platform: Platform, conversationId: string, threadId: string): Promise<StoredAnswer | null>;
  /** One vote per voter per answer; voting again changes it. Returns 'recorded' or 'changed'. */
  vote(answerId: string, voter: PlatformIdentity, helpful: boolean, comment?: string | null): Promise<'recorded' | 'changed' | 'same'>;
  relation(answerId: string, who: PlatformIdentity, conversationId: string): Promise<AnswerRelation>;
  /** The answer is now visible to everyone in this conversation (it was shared there). */
  markPublic(answerId: string, platform: Platform, conversationId: string): Promise<void>;
}

export interface BotDeps extends AdminDeps {
  answerer: Answerer;
  directory: DirectoryPort;
  attendance: AttendancePort;
  answers: AnswerStorePort;
  questionLog?: QuestionLogPort;
  /** Absent until the digest service is wired: /digest then says so plainly. */
  digest?: DigestPort;
  /** Told of every stored return (the composition root updates the week's reminders); optional. */
  returns?: ReturnEventsPort;
  /** Hooks for metrics; all optional. */
  observe?: BotObserver;
  logger?: Logger;
  now?: () => Date;
  /** Answers computed at once (retrieval is CPU work on the event loop); default 2. Others wait their turn. */
  maxConcurrentAnswers?: number;
}

export interface BotObserver {
  answered?(info: { answered: boolean; seconds: number; platform: Platform }): void;
  returnSubmitted?(info: { status: SubmitResult['status']; platform: Platform }): void;
  error?(info: { code: string; where: string }): void;
}
