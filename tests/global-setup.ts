import { randomBytes } from 'node:crypto';

/**
 * One id per test run, inherited by every test worker: Postgres schemas and BullMQ queue prefixes
 * are named after it so parallel and repeated runs never share state.
 */
export default function setup(): void {
  process.env.TEST_RUN_ID ??= `t${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
  process.env.LOG_LEVEL ??= 'silent';
}
