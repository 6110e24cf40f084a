/**
 * Retention without Redis: a timer in every process that holds the store runs the purges past retention (question
 * log, stored answers and votes, delivery keys, strangers' Teams references). It used to run only as the nightly
 * BullMQ housekeeping job, so a Redis outage stopped it. Processes share the turn through the store (settings key
 * `retention_last_run`): at most one run per period, whichever process comes first.
 */
import type { Logger } from '../src/logger.js';
import type { AppContext } from './compose.js';

export interface RetentionOptions {
  /** How often each process checks whether a run is due (ms, default 1 hour). */
  everyMs?: number;
  /** Shortest time between two runs across all processes (ms, default 20 hours). */
  minGapMs?: number;
  /** First check after start (ms, default 1 minute: start-up first). */
  firstCheckMs?: number;
}

export interface RetentionRun {
  questions: number;
  answers: number;
  deliveries: number;
  teamsReferences: number;
}

export interface RetentionTimer {
  /** Run now if it is this process's turn; null when another run was recent (or in progress elsewhere). */
  runIfDue(now?: Date): Promise<RetentionRun | null>;
  stop(): Promise<void>;
}

const TURN_KEY = 'retention_last_run';

export function startRetention(context: Pick<AppContext, 'store' | 'questionLog' | 'purgeBotData' | 'now'>, logger: Logger, opts: RetentionOptions = {}): RetentionTimer {
  const minGapMs = opts.minGapMs ?? 20 * 3_600_000;
  let running: Promise<RetentionRun | null> | null = null;
  let stopped = false;

  async function runIfDue(now: Date = context.now()): Promise<RetentionRun | null> {
    if (!(await context.store.settings.claimTurn(TURN_KEY, now, minGapMs))) return null;
    let run: RetentionRun;
    try {
      const questions = await context.questionLog.purgeQuestionLog(now);
      run = { questions, ...(await context.purgeBotData(now)) };
    } catch (err) {
      // Give the turn back, so the next check (in any process) tries again instead of waiting a whole period.
      await context.store.settings.set(TURN_KEY, new Date(0).toISOString()).catch(() => undefined);
      throw err;
    }
    logger.info(run, 'retention: data past its retention removed');
    return run;
  }

  const tick = () => {
    if (stopped || running) return;
    running = runIfDue()
      .catch((err: unknown) => {
        // The store is away: the next check tries again.
        logger.warn({ err }, 'retention could not run; will try again');
        return null;
      })
      .finally(() => {
        running = null;
      });
  };
  const first = setTimeout(tick, opts.firstCheckMs ?? 60_000);
  const timer = setInterval(tick, opts.everyMs ?? 3_600_000);
  first.unref();
  timer.unref();

  return {
    runIfDue,
    async stop() {
      stopped = true;
      clearTimeout(first);
      clearInterval(timer);
      await running;
    },
  };
}
