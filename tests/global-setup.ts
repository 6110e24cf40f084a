import { randomBytes } from 'node:crypto';
import { ensurePgliteTemplate } from '../src/store/pglite-init.js';

/**
 * One id per test run, inherited by every test worker: Postgres schemas and BullMQ queue prefixes
 * are named after it so parallel and repeated runs never share state. The embedded database template is made
 * here, once, so test workers opening their first PGlite store do not each run initdb at the same time.
 */
export default async function setup(): Promise<void> {
  process.env.TEST_RUN_ID ??= `t${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
  process.env.LOG_LEVEL ??= 'silent';
  await ensurePgliteTemplate();
}
