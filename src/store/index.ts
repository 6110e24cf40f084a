export { openStore, openDb, type OpenStoreOptions } from './open-store.js';
export { createStore, type Store } from './store.js';
export type { Db, DbHealth, Engine, Queryable, QueryResult } from './db.js';
export { runMigrations, listMigrations, MIGRATIONS_DIR, MigrationError, type MigrationReport } from './migrate.js';
export { StoreLockedError } from './lock-file.js';
export { isUniqueViolation, mapDbError } from './errors.js';
export { QuestionLog, createQuestionLog, normaliseQuestion, type QuestionRecord } from './question-log.js';
export type { DirectoryRepo, DigestChannels, TeamsIdentityRow } from './directory-repo.js';
export type { ReturnsRepo } from './returns-repo.js';
