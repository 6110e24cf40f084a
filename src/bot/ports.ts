import type { Answerer } from '../knowledge/types.js';
import type { Logger } from '../logger.js';
import type { Actor, Centre, Person, PlatformIdentity, Role } from '../directory/types.js';
import type { ReturnFigures, ReturnSubmission, StoredReturn, SubmitResult } from '../attendance/types.js';
import type { Reply } from '../shared/reply.js';
import type { Platform } from '../shared/platform.js';
import type { AnswerRelation, NewAnswer, StoredAnswer } from '../store/bot-answers-repo.js';

/**
 * What the bot core needs from the domain services. The composition root (app/compose.ts) adapts the
 * directory, attendance, question-log and digest services to these narrow ports, so the core stays testable
 * and independent of storage details.
 */
export interface DirectoryPort {
  /** Platform identity -> Actor; unknown people are plain staff (person null). */
  resolveActor(identity: PlatformIdentity): Promise<Actor>;
  /** Centres this person may submit for (oc_lead: theirs; admin: all active). */
  submittableCentres(person: Person): Promise<Centre[]>;
  getCentre(id: string): Promise<Centre | null>;
  /** Admin command: give the person with this email a role (and, for oc_lead, a centre). Returns the updated person. */
  assignRole(input: { email: string; role: Role; centreId?: string | null }, by: Person): Promise<Person>;
  /** Admin command: pause reminders for a centre until (and including) a date. */
  pauseReminders(centreId: string, until: string, by: Person): Promise<Centre>;
}

/** A parsed quick form (only what was typed), before the service completes and validates the figures. */
export interface QuickFormInput {
  centreId?: string;
  week?: string;
  figures: Partial<ReturnFigures>;
  /** undefined: not given (an amendment keeps the note); null clears it. */
  note?: string | null;
}

export interface StatusRow {
  centreId: string;
  centreName: string;
  /** Monday, YYYY-MM-DD. */
  weekStart: string;
  stored: StoredReturn | null;
}

export interface AttendancePort {
  /** Parse `/attendance <quick form>`; throws ValidationError naming the bad field. */
  parseQuickForm(text: string): QuickFormInput;
  /** Validate and store; throws ValidationError / NotAuthorisedError; idempotent on submission.idempotencyKey. */
  submit(person: Person, submission: ReturnSubmission): Promise<SubmitResult>;
  /**
   * Monday (YYYY-MM-DD) of the week a return is due for: the week in progress from the week's first reminder
   * (Friday 14:00 by default), the week just ended before it. Every default week is this one.
   */
  defaultWeek(now?: Date): string;
  /** The due-week rule in a sentence, for the form's week hint. */
  dueWeekRule(now?: Date): string;
  /** The person's centres × recent weeks, newest first. */
  status(person: Person, weeks: number): Promise<StatusRow[]>;
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
}

export type { AnswerRelation, NewAnswer, StoredAnswer };

/** The store of given answers (src/store/bot-answers-repo.ts). */
export interface AnswerStorePort {
  save(answer: NewAnswer): Promise<StoredAnswer>;
  get(id: string): Promise<StoredAnswer | null>;
  /** The first question asked in a thread (its root), or null. */
  threadRoot(platform: Platform, conversationId: string, threadId: string): Promise<StoredAnswer | null>;
  /** One vote per voter per answer; voting again changes it. Returns 'recorded' or 'changed'. */
  vote(answerId: string, voter: PlatformIdentity, helpful: boolean): Promise<'recorded' | 'changed' | 'same'>;
  relation(answerId: string, who: PlatformIdentity, conversationId: string): Promise<AnswerRelation>;
  /** The answer is now visible to everyone in this conversation (it was shared there). */
  markPublic(answerId: string, platform: Platform, conversationId: string): Promise<void>;
}

export interface BotDeps {
  answerer: Answerer;
  directory: DirectoryPort;
  attendance: AttendancePort;
  answers: AnswerStorePort;
  questionLog?: QuestionLogPort;
  /** Absent until the digest service is wired: /digest then says so plainly. */
  digest?: DigestPort;
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
