import type { StoredReturn } from '../src/attendance/types.js';
import type { Notifier } from '../src/bot/notifier.js';
import type { DigestSource } from '../src/digest/digest-service.js';
import type { Centre, Person } from '../src/directory/types.js';
import type { NotificationClaimsRepo } from '../src/store/notification-claims-repo.js';

/** What the jobs read from the directory. */
export interface JobsDirectory {
  listCentres(): Promise<Centre[]>;
  /** People with the oc_lead role for this centre. */
  leadsOf(centreId: string): Promise<Person[]>;
  networkLeads(): Promise<Person[]>;
  getPerson(id: number): Promise<Person | null>;
  digestChannels(): Promise<{ slack: string[]; teams: string[] }>;
}

/** What the jobs read from attendance. */
export interface JobsAttendance {
  /** Latest version of each return with week_start in [from, to] (Mondays, inclusive). */
  listReturns(from: string, to: string): Promise<StoredReturn[]>;
}

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

/** Everything the job processors need; the composition root (app/compose.ts, for app/server.ts and app/worker.ts) builds it. */
export interface JobsServices {
  directory: JobsDirectory;
  attendance: JobsAttendance;
  digestSource: DigestSource;
  claims: NotificationClaimsRepo;
  /** In order of preference: a person is messaged on the first platform that can reach them. */
  notifiers: Notifier[];
  housekeeping: JobsHousekeeping;
}
