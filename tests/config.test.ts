import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.js';

describe('config', () => {
  it('applies defaults and freezes the result', () => {
    const c = loadConfig({});
    expect(c.PORT).toBe(3978);
    expect(c.SCHEDULE_TIMEZONE).toBe('Europe/London');
    expect(c.REDIS_URL).toBe('redis://127.0.0.1:6379');
    expect(c.KNOWLEDGE_DIR).toBe('knowledge');
    expect(c.JOBS_IN_PROCESS).toBe(true);
    expect(Object.isFrozen(c)).toBe(true);
  });

  it('reports every bad variable on its own line', () => {
    let err: unknown;
    try {
      loadConfig({ PORT: 'eighty', SCHEDULE_TIMEZONE: 'Mars/Olympus', DATABASE_URL: 'mysql://x', TEAMS_LOCAL_DEV: 'maybe' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    const problems = (err as ConfigError).problems;
    expect(problems).toHaveLength(4);
    expect(problems.some((p) => p.startsWith('PORT:'))).toBe(true);
    expect(problems.some((p) => p.startsWith('SCHEDULE_TIMEZONE:'))).toBe(true);
    expect(problems.some((p) => p.startsWith('DATABASE_URL:'))).toBe(true);
    expect(problems.some((p) => p.startsWith('TEAMS_LOCAL_DEV:'))).toBe(true);
  });

  it('reads PGLITE_SETTINGS as name=value pairs and names a bad one', () => {
    expect(loadConfig({}).PGLITE_SETTINGS).toEqual({});
    expect(loadConfig({ PGLITE_SETTINGS: ' shared_buffers=32MB , work_mem=4MB' }).PGLITE_SETTINGS).toEqual({ shared_buffers: '32MB', work_mem: '4MB' });
    expect(() => loadConfig({ PGLITE_SETTINGS: 'shared_buffers=32MB,work_mem 4MB' })).toThrow(/PGLITE_SETTINGS: "work_mem 4MB" is not a name=value pair/);
  });

  it('requires a signing secret with a Slack bot token in HTTP mode', () => {
    expect(() => loadConfig({ SLACK_BOT_TOKEN: 'xoxb-1' })).toThrow(/SLACK_SIGNING_SECRET/);
    expect(loadConfig({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_APP_TOKEN: 'xapp-1' }).SLACK_APP_TOKEN).toBe('xapp-1');
  });

  it('requires an app password with a Microsoft app id', () => {
    expect(() => loadConfig({ MICROSOFT_APP_ID: 'abc' })).toThrow(/MICROSOFT_APP_PASSWORD/);
  });

  it('Teams is SingleTenant unless told otherwise, and then needs the tenant id, saying where to find it', () => {
    expect(loadConfig({}).MICROSOFT_APP_TYPE).toBe('SingleTenant');
    expect(problemsOf({ MICROSOFT_APP_ID: 'app', MICROSOFT_APP_PASSWORD: 'secret' })).toEqual([
      expect.stringMatching(/^MICROSOFT_APP_TENANT_ID: required with MICROSOFT_APP_ID: MICROSOFT_APP_TYPE is SingleTenant \(the default.*App Tenant ID.*Settings > Configuration.*MICROSOFT_APP_TYPE=MultiTenant/),
    ]);
    expect(problemsOf({ MICROSOFT_APP_ID: 'app', MICROSOFT_APP_PASSWORD: 'secret', MICROSOFT_APP_TENANT_ID: 'tenant' })).toEqual([]);
    expect(problemsOf({ MICROSOFT_APP_ID: 'app', MICROSOFT_APP_PASSWORD: 'secret', MICROSOFT_APP_TYPE: 'MultiTenant' })).toEqual([]);
  });

  const problemsOf = (env: NodeJS.ProcessEnv): string[] => {
    try {
      loadConfig(env);
      return [];
    } catch (err) {
      return (err as ConfigError).problems;
    }
  };

  it('reports bad variables and rules across variables together, in one run', () => {
    const problems = problemsOf({ PORT: 'abc', SLACK_BOT_TOKEN: 'xoxb-1', MICROSOFT_APP_ID: 'app', MICROSOFT_APP_TYPE: 'UserAssignedMSI' });
    expect(problems.map((p) => p.split(':')[0]).sort()).toEqual(['MICROSOFT_APP_TENANT_ID', 'PORT', 'SLACK_SIGNING_SECRET']);
  });

  it('refuses cron expressions the scheduler cannot run and dates that do not exist', () => {
    const problems = problemsOf({ REMINDER_CRON: '99 99 * * *', DIGEST_CRON: '0 16 * * 1 *', TERM_STARTS: '2026-09-03,2027-02-30' });
    expect(problems.map((p) => p.split(':')[0]).sort()).toEqual(['DIGEST_CRON', 'REMINDER_CRON', 'TERM_STARTS']);
    expect(loadConfig({ REMINDER_CRON: '30 13 * * 4', TERM_STARTS: '2026-09-03, 2027-01-05' }).REMINDER_CRON).toBe('30 13 * * 4');
  });

  it('never accepts unauthenticated Teams traffic in production', () => {
    expect(problemsOf({ NODE_ENV: 'production', TEAMS_LOCAL_DEV: 'true' })).toEqual([expect.stringMatching(/^TEAMS_LOCAL_DEV: must not be true when NODE_ENV=production/)]);
    expect(loadConfig({ NODE_ENV: 'development', TEAMS_LOCAL_DEV: 'true' }).TEAMS_LOCAL_DEV).toBe(true);
    // HOST: an address or host name; loopback only while Teams accepts unauthenticated traffic.
    expect(loadConfig({ HOST: '127.0.0.1' }).HOST).toBe('127.0.0.1');
    expect(loadConfig({}).HOST).toBeUndefined();
    expect(problemsOf({ HOST: 'not a host!' })).toEqual([expect.stringMatching(/^HOST: must be an IP address/)]);
    expect(problemsOf({ HOST: '0.0.0.0', TEAMS_LOCAL_DEV: 'true' })).toEqual([expect.stringMatching(/^HOST: must be a loopback address .* got "0\.0\.0\.0"/)]);
    expect(problemsOf({ HOST: 'localhost', TEAMS_LOCAL_DEV: 'true' })).toEqual([]);
    expect(problemsOf({ HOST: '0.0.0.0', TEAMS_LOCAL_DEV: 'true', MICROSOFT_APP_ID: 'app', MICROSOFT_APP_PASSWORD: 'secret', MICROSOFT_APP_TENANT_ID: 'tenant' })).toEqual([]);
    expect(problemsOf({ METRICS_TOKEN: 'short' })).toEqual([expect.stringMatching(/^METRICS_TOKEN: must be at least 16 characters/)]);
    // Production in any case is production, for every guard (the value is read lower-cased).
    for (const env of ['Production', 'PRODUCTION', ' production ']) {
      expect(problemsOf({ NODE_ENV: env, TEAMS_LOCAL_DEV: 'true' }), env).toEqual([expect.stringMatching(/^TEAMS_LOCAL_DEV: must not be true when NODE_ENV=production/)]);
      expect(loadConfig({ NODE_ENV: env }).NODE_ENV).toBe('production');
    }
    // With an app id every request is authenticated and the flag is ignored.
    expect(problemsOf({ NODE_ENV: 'production', TEAMS_LOCAL_DEV: 'true', MICROSOFT_APP_ID: 'app', MICROSOFT_APP_PASSWORD: 'secret', MICROSOFT_APP_TENANT_ID: 'tenant' })).toEqual([]);
  });
});
