import { runDoctor } from '../doctor.js';
import { loadConfigOrExit } from '../../src/config.js';
import { DirectoryService } from '../../src/directory/service.js';
import { isAppError } from '../../src/errors.js';
import { createLogger } from '../../src/logger.js';
import { useSlackCommandPrefix } from '../../src/shared/commands.js';
import { formatDoctorReport } from '../../src/shared/doctor.js';
import { openStore } from '../../src/store/open-store.js';
import type { Store } from '../../src/store/store.js';

const USAGE = 'usage: doctor [--json]\n  checks Slack, Teams, the store, Redis and the directory; prints each problem with its fix (exit 1 when there are problems)';

export async function run(args: string[]): Promise<number> {
  const json = args.includes('--json');
  if (args.some((a) => a !== '--json')) {
    process.stderr.write(`${USAGE}\n`);
    return args.includes('--help') ? 0 : 2;
  }
  const config = loadConfigOrExit();
  useSlackCommandPrefix(config.SLACK_COMMAND_PREFIX);
  const logger = createLogger(process.env.LOG_LEVEL ?? 'warn');
  let store: Store | null = null;
  let storeProblem: string | undefined;
  try {
    store = await openStore(config, logger);
  } catch (err) {
    // The embedded database is the running bot's (PGlite: one process): the rest is still checked.
    storeProblem = isAppError(err) ? err.message : `the store could not be opened: ${(err as Error).message}`;
  }
  try {
    const directory = store ? new DirectoryService(store, { timeZone: config.SCHEDULE_TIMEZONE, logger }) : null;
    const report = await runDoctor(config, { directory, storeProblem });
    process.stdout.write(json ? `${JSON.stringify(report, null, 2)}\n` : `${formatDoctorReport(report)}\n`);
    return report.problems ? 1 : 0;
  } finally {
    await store?.close();
  }
}
