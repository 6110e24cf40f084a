/**
 * The first-run check (`npm run -s cli -- doctor`, and `/healthz?verbose` on a running server): for each adapter what
 * is configured, whether its credentials work and what is missing, which directory people cannot be reached yet,
 * which digest channels the bot cannot post to; each problem with its fix. Reads only: changes nothing anywhere.
 */
import { slackMissing } from '../adapters/slack/missing.js';
import { teamsAuthMode } from '../adapters/teams/mode.js';
import { createRedis } from '../jobs/connection.js';
import type { Config } from '../src/config.js';
import { directoryDoctor } from '../src/directory/doctor.js';
import type { DirectoryService } from '../src/directory/service.js';
import { commandText } from '../src/shared/commands.js';
import { doctorReport, type DoctorCheck, type DoctorReport, type DoctorSection } from '../src/shared/doctor.js';

export interface DoctorOptions {
  /** The directory service over the store; null with the reason when the store could not be opened. */
  directory: DirectoryService | null;
  storeProblem?: string;
  /** Tests: Entra's sign-in host and the Bot Connector, both local fakes. */
  teamsLoginUrl?: string;
  teamsChannelServiceUrl?: string;
  /** Skip the Redis check (the server reports its own connection). */
  redis?: 'check' | { status: string };
}

async function redisSection(config: Config, redis: DoctorOptions['redis']): Promise<DoctorSection> {
  const fix = 'reminders and digests need Redis: start it, or set REDIS_URL (questions and returns work without it)';
  if (redis && redis !== 'check') {
    const ok = redis.status === 'ready' || redis.status === 'up';
    return { title: 'Jobs', checks: [{ name: 'Redis', ok: redis.status === 'off' ? null : ok, detail: redis.status, ...(ok ? {} : { fix }) }] };
  }
  const client = createRedis({ url: config.REDIS_URL, role: 'producer', name: 'camden-doctor' });
  let lastError: Error | undefined;
  client.on('error', (err: Error) => (lastError = err));
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(lastError ?? new Error('no answer within 3 s')), 3_000);
      client.once('ready', () => {
        clearTimeout(timer);
        resolve();
      });
    });
    await client.ping();
    return { title: 'Jobs', checks: [{ name: 'Redis', ok: true, detail: `${new URL(config.REDIS_URL).host} answers` }] };
  } catch (err) {
    return { title: 'Jobs', checks: [{ name: 'Redis', ok: false, detail: `${new URL(config.REDIS_URL).host}: ${(err as Error).message}`, fix }] };
  } finally {
    client.disconnect();
  }
}

/** DIRECTORY_FILE read and checked as the bot would (nothing imported). */
async function directoryFileCheck(config: Config): Promise<DoctorCheck | null> {
  if (!config.DIRECTORY_FILE) return null;
  try {
    const { readDirectoryFile } = await import('../src/directory/file.js');
    const f = await readDirectoryFile(config.DIRECTORY_FILE);
    return { name: 'directory file', ok: true, detail: `${config.DIRECTORY_FILE}: ${f.centres.length} centres, ${f.people.length} people` };
  } catch (err) {
    return { name: 'directory file', ok: false, detail: (err as Error).message, fix: 'fix the lines named above; the bot does not start with an invalid DIRECTORY_FILE' };
  }
}

export async function runDoctor(config: Config, opts: DoctorOptions): Promise<DoctorReport> {
  const channels = opts.directory ? await opts.directory.digestChannels().catch(() => ({ slack: [], teams: [] })) : { slack: [], teams: [] };
  const slackOn = slackMissing(config).length === 0;
  const teamsOn = teamsAuthMode(config) !== 'refuse';
  const sections: DoctorSection[] = [];
  sections.push(
    opts.directory
      ? { title: 'Store', checks: [{ name: 'database', ok: true, detail: config.DATABASE_URL ? 'Postgres (DATABASE_URL)' : `embedded PGlite in ${config.DATA_DIR}` }] }
      : { title: 'Store', checks: [{ name: 'database', ok: null, detail: opts.storeProblem ?? 'not opened', fix: 'while the bot runs on the embedded database, read this check from the running bot: GET /healthz?verbose (user admin, ADMIN_PASSWORD)' }] },
  );
  sections.push(await redisSection(config, opts.redis ?? 'check'));
  // Each platform's code is loaded only when it is configured (as the server does).
  sections.push(
    slackOn
      ? await (await import('../adapters/slack/doctor.js')).slackDoctor(config, { digestChannels: channels.slack })
      : { title: 'Slack', checks: [{ name: 'configured', ok: null, detail: `Slack is off (${slackMissing(config).join(' and ')} not set)`, fix: 'to use Slack, follow README "Connecting Slack"' }] },
  );
  sections.push(
    await (await import('../adapters/teams/doctor.js')).teamsDoctor(config, {
      digestChannels: teamsOn ? channels.teams : [],
      loginUrl: opts.teamsLoginUrl,
      channelServiceUrl: opts.teamsChannelServiceUrl,
    }),
  );
  const file = await directoryFileCheck(config);
  if (opts.directory) {
    const [people, centres] = await Promise.all([opts.directory.listPeople(), opts.directory.listCentres()]);
    const section = directoryDoctor({ people, centres, platforms: { slack: slackOn, teams: teamsOn }, registerCommand: commandText(slackOn ? 'slack' : 'teams', 'admin register') });
    if (!people.length && file?.ok) {
      // A valid file not loaded yet (a new data directory): the bot loads it when it starts.
      section.checks[0] = { name: 'people', ok: null, detail: 'none yet: DIRECTORY_FILE is loaded when the bot starts', fix: 'npm start (or: npm run -s directory -- import FILE)' };
    }
    if (file) section.checks.unshift(file);
    sections.push(section);
  } else if (file) sections.push({ title: 'Directory', checks: [file] });
  return doctorReport(sections);
}
