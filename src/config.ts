import { CronExpressionParser } from 'cron-parser';
import { isIP } from 'node:net';
import { z } from 'zod';
import { isIsoDate } from './shared/calendar.js';
import { slackCommandPrefixProblem } from './shared/commands.js';

const TRUE_WORDS = ['1', 'true', 'yes', 'on'];
const isTrue = (v: string | undefined) => TRUE_WORDS.includes((v ?? '').trim().toLowerCase());

const bool = (fallback: boolean) =>
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v === '') return fallback;
      const s = v.trim().toLowerCase();
      if (TRUE_WORDS.includes(s)) return true;
      if (['0', 'false', 'no', 'off'].includes(s)) return false;
      ctx.addIssue({ code: z.ZodIssueCode.custom, message: `must be true or false, got "${v}"` });
      return z.NEVER;
    });

const optionalString = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim()));

const withDefault = (fallback: string) =>
  z
    .string()
    .optional()
    .transform((v) => (v === undefined || v.trim() === '' ? fallback : v.trim()));

const int = (fallback: number, min: number, max: number) =>
  withDefault(String(fallback)).transform((v, ctx) => {
    if (!/^\d+$/.test(v) || Number(v) < min || Number(v) > max) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, message: `must be a whole number from ${min} to ${max}, got "${v}"` });
      return z.NEVER;
    }
    return Number(v);
  });

const url = (protocols: string[]) =>
  optionalString.refine(
    (v) => {
      if (v === undefined) return true;
      try {
        return protocols.includes(new URL(v).protocol);
      } catch {
        return false;
      }
    },
    { message: `must be a URL starting with ${protocols.map((p) => p + '//').join(' or ')}` },
  );

const timezone = withDefault('Europe/London').refine(
  (tz) => {
    try {
      new Intl.DateTimeFormat('en-GB', { timeZone: tz });
      return true;
    } catch {
      return false;
    }
  },
  { message: 'must be an IANA time zone such as Europe/London' },
);

/** Five-field cron expression (minute hour day-of-month month day-of-week), checked by the parser BullMQ uses. */
const cron = (fallback: string) =>
  withDefault(fallback).refine(
    (v) => {
      if (v.split(/\s+/).length !== 5) return false;
      try {
        CronExpressionParser.parse(v);
        return true;
      } catch {
        return false;
      }
    },
    (v) => ({ message: `must be a five-field cron expression such as "0 14 * * 5" (minute hour day month weekday), got "${v}"` }),
  );

const schema = z.object({
  /** Lower-cased: every production guard reads it, and "Production" or "PRODUCTION" must count as production. */
  NODE_ENV: withDefault('development').transform((v) => v.toLowerCase()),
  LOG_LEVEL: withDefault('info').pipe(z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])),
  PORT: int(3978, 0, 65535),
  /** Address to listen on: unset, every interface (loopback only while Teams runs unauthenticated, TEAMS_LOCAL_DEV). */
  HOST: optionalString.refine((v) => v === undefined || isIP(v) !== 0 || /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/i.test(v), {
    message: 'must be an IP address (e.g. 127.0.0.1, 0.0.0.0, ::) or a host name',
  }),
  /**
   * Bearer token for GET /metrics and the details of GET /healthz from other machines. Unset, only requests made on
   * this machine directly (loopback, not through a proxy) get them; everyone else gets /healthz's status alone.
   */
  METRICS_TOKEN: optionalString.refine((v) => v === undefined || v.length >= 16, { message: 'must be at least 16 characters (a random secret)' }),

  DATABASE_URL: url(['postgres:', 'postgresql:']),
  DATA_DIR: withDefault('./data'),
  /** PGlite's Postgres settings over its small defaults (src/store/pglite-settings.ts): "shared_buffers=32MB,work_mem=4MB". */
  PGLITE_SETTINGS: optionalString.transform((v, ctx) => {
    const settings: Record<string, string> = {};
    for (const pair of (v ?? '').split(',').map((p) => p.trim()).filter(Boolean)) {
      const m = /^([a-z][a-z0-9_.]*)=([^\s,=]+)$/.exec(pair);
      if (m) settings[m[1]!] = m[2]!;
      else ctx.addIssue({ code: z.ZodIssueCode.custom, message: `"${pair}" is not a name=value pair (e.g. shared_buffers=32MB)` });
    }
    return Object.freeze(settings);
  }),
  REDIS_URL: withDefault('redis://127.0.0.1:6379').pipe(url(['redis:', 'rediss:'])).transform((v) => v as string),
  QUEUE_PREFIX: withDefault('camden'),
  JOBS_IN_PROCESS: bool(true),

  KNOWLEDGE_DIR: withDefault('knowledge'),
  /** How often a bot process looks for changed documents (its KNOWLEDGE_DIR's files, the store's documents). */
  KNOWLEDGE_CHECK_SECONDS: int(30, 1, 3600),
  /** CLI only: folder for a cache of the built index between runs (default: the OS temp folder; "off" disables). */
  KNOWLEDGE_CACHE_DIR: optionalString,
  DIRECTORY_FILE: optionalString,

  OPENAI_API_KEY: optionalString,
  OPENAI_BASE_URL: url(['http:', 'https:']),
  OPENAI_MODEL: withDefault('gpt-4o-mini'),

  SLACK_BOT_TOKEN: optionalString,
  SLACK_SIGNING_SECRET: optionalString,
  SLACK_APP_TOKEN: optionalString,
  SLACK_API_URL: url(['http:', 'https:']),
  /** Start of each slash command's name ("camden-" gives /camden-ask, /camden-attendance, /camden-digest). */
  SLACK_COMMAND_PREFIX: z
    .string()
    .optional()
    .transform((v) => (v ?? '').trim())
    .superRefine((v, ctx) => {
      const problem = slackCommandPrefixProblem(v);
      if (problem) ctx.addIssue({ code: z.ZodIssueCode.custom, message: problem });
    }),

  MICROSOFT_APP_ID: optionalString,
  MICROSOFT_APP_PASSWORD: optionalString,
  MICROSOFT_APP_TENANT_ID: optionalString,
  /** SingleTenant by default: Azure creates single-tenant bots (new multi-tenant bots can no longer be created). */
  MICROSOFT_APP_TYPE: withDefault('SingleTenant').pipe(z.enum(['MultiTenant', 'SingleTenant', 'UserAssignedMSI'])),
  TEAMS_LOCAL_DEV: bool(false),

  ADMIN_PASSWORD: optionalString,

  SCHEDULE_TIMEZONE: timezone,
  REMINDER_CRON: cron('0 14 * * 5'),
  NUDGE_CRON: cron('0 10 * * 1'),
  DIGEST_CRON: cron('0 16 * * 1'),
  HOUSEKEEPING_CRON: cron('30 2 * * *'),
  /** First days of term for the digest's term-to-date totals: comma-separated YYYY-MM-DD. Unset: autumn 1 Sep, spring 1 Jan, summer the Monday after Easter. */
  TERM_STARTS: optionalString.refine(
    (v) => v === undefined || v.split(',').every((d) => d.trim() === '' || isIsoDate(d.trim())),
    { message: 'must be dates in the form YYYY-MM-DD separated by commas, e.g. "2026-09-03,2027-01-05,2027-04-19"' },
  ),

  QUESTION_LOG_DAYS: int(180, 1, 3650),
  /** Secret mixed into hashed user ids in the question log, so the hashes cannot be reversed by enumerating ids. */
  QUESTION_LOG_SALT: optionalString,
});

export type Config = Readonly<z.output<typeof schema>>;

/** True for NODE_ENV=production in any case ("Production", " PRODUCTION "): the one test every production guard uses. */
export function isProductionEnv(nodeEnv: string | undefined): boolean {
  return (nodeEnv ?? '').trim().toLowerCase() === 'production';
}

/** 127.0.0.0/8, ::1 (also IPv4-mapped) or localhost. */
export function isLoopbackHost(host: string): boolean {
  const h = host.trim().toLowerCase().replace(/^\[|\]$/g, '');
  return h === 'localhost' || h === '::1' || /^(::ffff:)?127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h);
}

export class ConfigError extends Error {
  readonly code = 'config_invalid';
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Parse the environment once; every bad variable is reported on its own line, all of them in one go. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const result = schema.safeParse(env);
  const problems = result.success ? [] : result.error.issues.map((i) => `${i.path.join('.') || '(environment)'}: ${i.message}`);
  // Rules across variables read the raw values, so they are reported alongside any bad single variable.
  problems.push(...crossVariableProblems((k) => env[k]?.trim() || undefined));
  if (problems.length) throw new ConfigError(problems);
  return Object.freeze({ ...result.data! });
}

function crossVariableProblems(get: (key: string) => string | undefined): string[] {
  const problems: string[] = [];
  const appType = get('MICROSOFT_APP_TYPE') ?? 'SingleTenant';
  const appId = get('MICROSOFT_APP_ID');
  if (get('SLACK_BOT_TOKEN') && !get('SLACK_SIGNING_SECRET') && !get('SLACK_APP_TOKEN')) {
    problems.push('SLACK_SIGNING_SECRET: required with SLACK_BOT_TOKEN in HTTP mode (or set SLACK_APP_TOKEN for Socket Mode)');
  }
  if (get('SLACK_APP_TOKEN') && !get('SLACK_BOT_TOKEN')) {
    problems.push('SLACK_BOT_TOKEN: required when SLACK_APP_TOKEN is set');
  }
  if (appId && appType !== 'UserAssignedMSI' && !get('MICROSOFT_APP_PASSWORD')) {
    problems.push('MICROSOFT_APP_PASSWORD: required with MICROSOFT_APP_ID unless MICROSOFT_APP_TYPE=UserAssignedMSI');
  }
  if ((appType === 'SingleTenant' || appType === 'UserAssignedMSI') && appId && !get('MICROSOFT_APP_TENANT_ID')) {
    problems.push(
      appType === 'SingleTenant' && !get('MICROSOFT_APP_TYPE')
        ? 'MICROSOFT_APP_TENANT_ID: required with MICROSOFT_APP_ID: MICROSOFT_APP_TYPE is SingleTenant (the default, and what Azure creates for new bots). ' +
            "Copy the Azure Bot's \"App Tenant ID\" (Azure portal > your Azure Bot > Settings > Configuration), or set MICROSOFT_APP_TYPE=MultiTenant for a bot created as multi-tenant"
        : `MICROSOFT_APP_TENANT_ID: required when MICROSOFT_APP_TYPE=${appType} (the Azure Bot's "App Tenant ID", Azure portal > your Azure Bot > Settings > Configuration)`,
    );
  }
  const localDev = isTrue(get('TEAMS_LOCAL_DEV'));
  // With an app id every request is authenticated and TEAMS_LOCAL_DEV is ignored.
  const host = get('HOST');
  if (localDev && !appId && host && !isLoopbackHost(host)) {
    problems.push(`HOST: must be a loopback address (127.0.0.1, ::1 or localhost) while TEAMS_LOCAL_DEV=true without an app id, got "${host}" (unauthenticated Teams traffic must not come from the network)`);
  }
  if (localDev && !appId && isProductionEnv(get('NODE_ENV'))) {
    problems.push('TEAMS_LOCAL_DEV: must not be true when NODE_ENV=production (it lets anyone post to /api/messages without signing in)');
  }
  return problems;
}

/** For entry points: print each problem on its own line and exit non-zero. */
export function loadConfigOrExit(env: NodeJS.ProcessEnv = process.env): Config {
  try {
    return loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(err.message + '\n');
      process.exit(1);
    }
    throw err;
  }
}
