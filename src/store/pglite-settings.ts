/**
 * The Postgres settings PGlite (the embedded store) starts with. PGlite runs Postgres inside WebAssembly, whose memory
 * only grows: whatever Postgres touches once stays resident. Postgres' own defaults are sized for a database server
 * (shared_buffers 128 MB is touched in full at start, about 120 MB of RSS); the bot's store holds a few megabytes, and
 * the host's page cache still sits under PGlite's file reads. So the defaults here are small. PGLITE_SETTINGS
 * (config.ts) overrides any of them or adds others: `shared_buffers=64MB,work_mem=4MB`.
 */
export const PGLITE_DEFAULT_SETTINGS: Readonly<Record<string, string>> = Object.freeze({
  /**
   * Postgres' buffer cache, touched in full at start (each MB is a MB of RSS for the life of the process). The store's
   * hot rows fit many times over; every other read comes from the host's page cache. 16 MB cost 12 MB more RSS than
   * 4 MB with no measurable difference in bench/attendance.ts.
   */
  shared_buffers: '4MB',
  /** PGlite runs one backend; Postgres' 100 sizes its per-connection shared tables for a server (about 3.5 MB). */
  max_connections: '4',
  /** Per session, for temporary tables (the bot makes none). */
  temp_buffers: '1MB',
  /** Per sort or hash before spilling to disk: the largest query (a 100-centre × 52-week CSV export) needs far less. */
  work_mem: '2MB',
  /** For CREATE INDEX and VACUUM (migrations); more only makes them touch memory that is never given back. */
  maintenance_work_mem: '8MB',
});

/** The defaults with the configured overrides applied, as postgres `-c name=value` arguments. */
export function pgliteSettingArgs(overrides: Readonly<Record<string, string>> = {}): string[] {
  return Object.entries({ ...PGLITE_DEFAULT_SETTINGS, ...overrides }).flatMap(([name, value]) => ['-c', `${name}=${value}`]);
}
