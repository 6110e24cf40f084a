export { openStore, openDb, type OpenStoreOptions } from './open-store.js';
export { createStore, type Store } from './store.js';
export type { Db, DbHealth, Engine, Queryable, QueryResult } from './db.js';
export { runMigrations, listMigrations, MIGRATIONS_DIR, MigrationError, type MigrationReport } from './migrate.js';
export { StoreLockedError } from './lock-file.js';
export type { ClaimsRepo } from './claims-repo.js';
export { isUniqueViolation, mapDbError } from './errors.js';
