import type { Logger } from '../logger.js';
import type { Db, DbHealth, Engine } from './db.js';
import { createSettingsRepo, type SettingsRepo } from './settings-repo.js';
import { createDirectoryRepo, type DirectoryRepo } from './directory-repo.js';
import { createReturnsRepo, type ReturnsRepo } from './returns-repo.js';
import { createQuestionLogRepo, type QuestionLogRepo } from './question-log-repo.js';
import { createPersonalDataRepo, type PersonalDataRepo } from './personal-data-repo.js';
import { createKnowledgeDocumentsRepo } from './knowledge-documents-repo.js';
import type { DocumentStore } from '../knowledge/document-store.js';

/** The durable store: one database plus typed repositories. No SQL outside src/store/. */
export interface Store {
  readonly engine: Engine;
  /** Raw access, for repositories inside src/store/ only. */
  readonly db: Db;
  readonly settings: SettingsRepo;
  readonly directory: DirectoryRepo;
  readonly returns: ReturnsRepo;
  readonly questionLog: QuestionLogRepo;
  /** The knowledge base's documents, shared by every bot process (the knowledge module's DocumentStore port). */
  readonly documents: DocumentStore;
  /** One person's rows across every table: subject access export, erasure, tombstones (docs/data-protection.md). */
  readonly personalData: PersonalDataRepo;
  health(): Promise<DbHealth>;
  close(): Promise<void>;
}

export function createStore(db: Db, logger?: Logger): Store {
  const settings = createSettingsRepo(db);
  return {
    engine: db.engine,
    db,
    settings,
    directory: createDirectoryRepo(db),
    returns: createReturnsRepo(db),
    questionLog: createQuestionLogRepo(db, logger),
    documents: createKnowledgeDocumentsRepo(db),
    personalData: createPersonalDataRepo(db, settings),
    health: () => db.health(),
    close: () => db.close(),
  };
}
