import { loadConfigOrExit, type Config } from '../../src/config.js';
import { createLogger, type Logger } from '../../src/logger.js';
import { isAppError, ValidationError } from '../../src/errors.js';
import { openStore } from '../../src/store/open-store.js';
import type { Store } from '../../src/store/store.js';

export interface CliContext {
  config: Config;
  logger: Logger;
  store: Store;
}

/** Opens the configured store for one CLI command, runs it, and always closes the store (releasing PGlite's lock). */
export async function withCliStore(command: string, fn: (ctx: CliContext) => Promise<number>): Promise<number> {
  const config = loadConfigOrExit();
  const logger = createLogger(process.env.LOG_LEVEL ?? 'warn');
  let store: Store;
  try {
    store = await openStore(config, logger);
  } catch (err) {
    if (isAppError(err)) {
      process.stderr.write(`${command}: ${err.message}\n`);
      return 1;
    }
    throw err;
  }
  try {
    return await fn({ config, logger, store });
  } catch (err) {
    if (err instanceof ValidationError) {
      process.stderr.write(`${command}: nothing was changed.\n${err.problems.map((p) => `  ${p.field}: ${p.message}`).join('\n')}\n`);
      return 1;
    }
    if (isAppError(err)) {
      process.stderr.write(`${command}: ${err.message}\n`);
      return 1;
    }
    throw err;
  } finally {
    await store.close();
  }
}

/** `--name value` / `--name=value` flags plus positional words; unknown flags are reported. */
export function parseFlags(args: string[], known: readonly string[]): { flags: Record<string, string>; positional: string[]; problems: string[] } {
  const flags: Record<string, string> = {};
  const positional: string[] = [];
  const problems: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (!a.startsWith('--')) {
      positional.push(a);
      continue;
    }
    const eq = a.indexOf('=');
    const name = a.slice(2, eq === -1 ? undefined : eq);
    if (!known.includes(name)) {
      problems.push(`unknown option --${name}`);
      continue;
    }
    const value = eq === -1 ? args[++i] : a.slice(eq + 1);
    if (value === undefined || (eq === -1 && value.startsWith('--'))) problems.push(`--${name} needs a value`);
    else if (name in flags) problems.push(`--${name} is given twice`);
    else flags[name] = value;
  }
  return { flags, positional, problems };
}
