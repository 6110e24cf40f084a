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

  it('requires a signing secret with a Slack bot token in HTTP mode', () => {
    expect(() => loadConfig({ SLACK_BOT_TOKEN: 'xoxb-1' })).toThrow(/SLACK_SIGNING_SECRET/);
    expect(loadConfig({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_APP_TOKEN: 'xapp-1' }).SLACK_APP_TOKEN).toBe('xapp-1');
  });

  it('requires an app password with a Microsoft app id', () => {
    expect(() => loadConfig({ MICROSOFT_APP_ID: 'abc' })).toThrow(/MICROSOFT_APP_PASSWORD/);
  });
});
