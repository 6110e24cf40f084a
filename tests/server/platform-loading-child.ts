/**
 * Child of platform-loading.test.ts: starts the server as configured by the environment, then prints which platform
 * SDKs this process has loaded (CommonJS packages imported from ESM land in the CommonJS module cache).
 */
import { createRequire } from 'node:module';
import pino from 'pino';
import { loadConfig } from '../../src/config.js';
import { startServer } from '../../app/server.js';

const config = loadConfig();
const server = await startServer({ config, logger: pino({ level: 'silent' }), port: 0, host: '127.0.0.1', jobs: false });
const loaded = Object.keys(createRequire(import.meta.url).cache);
const has = (pkg: string) => loaded.some((p) => p.includes(`/node_modules/${pkg}/`));
const health = (await (await fetch(`${server.url}/healthz`)).json()) as { adapters: unknown };
process.stdout.write(
  JSON.stringify({ teamsAi: has('@microsoft/teams-ai'), botbuilder: has('botbuilder'), bolt: has('@slack/bolt'), adapters: health.adapters }) + '\n',
);
await server.stop();
