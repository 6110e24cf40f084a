// Creates a new PGlite database (Postgres' initdb, inside WebAssembly) in the folder given, then exits.
// src/store/pglite-init.ts runs it in a short-lived child process: initdb needs several hundred megabytes, and a
// WebAssembly memory never shrinks, so done in the server itself that memory would stay with it for its whole life.
// Plain JavaScript, so it runs the same from the sources, from dist/ and in tests.
import { PGlite } from '@electric-sql/pglite';

const dir = process.argv[2];
if (!dir) {
  process.stderr.write('usage: node pglite-initdb.mjs DIR\n');
  process.exit(2);
}
const db = await PGlite.create(dir);
await db.query('SELECT 1');
await db.close();
