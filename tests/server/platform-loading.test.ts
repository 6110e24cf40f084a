import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

/** Runs the child in a process of its own (a test worker may already hold modules other test files loaded). */
async function loadedBy(env: Record<string, string>): Promise<{ teamsAi: boolean; botbuilder: boolean; bolt: boolean; adapters: unknown }> {
  const dataDir = await mkdtemp(join(tmpdir(), 'camden-loading-'));
  try {
    const child = spawn(process.execPath, ['--import', 'tsx', resolve('tests/server/platform-loading-child.ts')], {
      env: {
        ...process.env,
        DATA_DIR: dataDir,
        DATABASE_URL: '',
        KNOWLEDGE_DIR: resolve('knowledge'),
        SLACK_BOT_TOKEN: '',
        SLACK_SIGNING_SECRET: '',
        SLACK_APP_TOKEN: '',
        MICROSOFT_APP_ID: '',
        MICROSOFT_APP_PASSWORD: '',
        TEAMS_LOCAL_DEV: '',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout!.on('data', (b: Buffer) => (out += b.toString()));
    child.stderr!.on('data', (b: Buffer) => (err = (err + b.toString()).slice(-2_000)));
    const code = await new Promise<number | null>((r) => child.once('exit', r));
    expect(code, err).toBe(0);
    return JSON.parse(out.trim().split('\n').at(-1)!);
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
}

// Each case starts a whole server in a new process (tsx, PGlite, the index): slow on a busy 2-core machine.
describe('platform SDKs are loaded only when their platform is configured', { timeout: 180_000 }, () => {
  it('Teams configured, Slack not: teams-ai and botbuilder are loaded, Bolt is not', async () => {
    const r = await loadedBy({ MICROSOFT_APP_ID: '00000000-0000-0000-0000-000000000001', MICROSOFT_APP_PASSWORD: 'secret', MICROSOFT_APP_TENANT_ID: '00000000-0000-0000-0000-00000000000a' });
    expect(r).toEqual({ teamsAi: true, botbuilder: true, bolt: false, adapters: { slack: 'off', teams: 'on' } });
  });

  it('Slack configured, Teams not: Bolt is loaded; teams-ai and botbuilder are not, and /api/messages refuses', async () => {
    const r = await loadedBy({ SLACK_BOT_TOKEN: 'xoxb-test', SLACK_SIGNING_SECRET: 'secret', SLACK_API_URL: 'http://127.0.0.1:9/api/' });
    expect(r).toEqual({ teamsAi: false, botbuilder: false, bolt: true, adapters: { slack: 'http', teams: 'off' } });
  });
});
