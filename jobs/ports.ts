import type { AttendanceService } from '../src/attendance/service.js';
import type { Notifier } from '../src/bot/notifier.js';
import type { DigestService } from '../src/digest/digest-service.js';
import type { DirectoryService } from '../src/directory/service.js';
import type { NotificationClaimsRepo } from '../src/store/notification-claims-repo.js';

/** What the jobs read from the directory service: whom to message. */
export type JobsDirectory = Pick<DirectoryService, 'getPerson' | 'leadsOfCentre' | 'networkLeads' | 'digestChannels'>;

/** What the jobs ask the attendance service: who is missing a return (its one rule, pauses included). */
export type JobsAttendance = Pick<AttendanceService, 'missingReturns'>;

/** The weekly digest as a Reply, built by the digest service (the bot's /digest uses the same one). */
export type JobsDigests = Pick<DigestService, 'digestFor'>;

/**
 * The record of notifications sent (notification_claims): one row per kind, recipient and week decides that a
 * message goes out at most once, whatever BullMQ redelivers.
 */
export type NotificationClaims = Pick<
  NotificationClaimsRepo,
  'claim' | 'markSent' | 'markRetryable' | 'markFailed' | 'markUnknown' | 'expireStale' | 'purgeBefore' | 'get'
>;

/** What the retention of the bot's own data removed, per kind. */
export interface BotDataPurged {
  /** Stored answers (their votes go with them). */
  answers: number;
  /** Delivery de-duplication keys. */
  deliveries: number;
  /** Conversation references of Teams users in no directory, silent for QUESTION_LOG_DAYS. */
  teamsReferences: number;
}

/** Housekeeping targets. */
export interface JobsHousekeeping {
  /** Knowledge base: true when files under KNOWLEDGE_DIR differ from the index. */
  knowledgeChangedOnDisk?(): Promise<boolean>;
  /** Re-ingest the knowledge base. */
  reloadKnowledge?(): Promise<unknown>;
  /** Delete question-log rows older than QUESTION_LOG_DAYS; returns how many. */
  purgeQuestionLog?(now: Date): Promise<number>;
  /** Delete stored answers (QUESTION_LOG_DAYS) and Slack/Teams delivery keys (7 days) past retention; how many of each. */
  purgeBotData?(now: Date): Promise<BotDataPurged>;
}

/**
 * Everything the job processors need, all services (never the store itself); the composition root (app/compose.ts,
 * for app/server.ts and app/worker.ts) builds it.
 */
export interface JobsServices {
  directory: JobsDirectory;
  attendance: JobsAttendance;
  digests: JobsDigests;
  claims: NotificationClaims;
  /** In order of preference: a person is messaged on the first platform that can reach them. */
  notifiers: Notifier[];
  housekeeping: JobsHousekeeping;
}
