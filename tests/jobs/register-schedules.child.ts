// Child process for schedules.test.ts: registers the schedules from a separate OS process.
import { Queue } from 'bullmq';
import { redisOptions } from '../../jobs/connection.js';
import { SCHEDULE_QUEUE } from '../../jobs/queue-names.js';
import { ScheduleKeeper, scheduleDefinitions } from '../../jobs/schedules.js';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';

const prefix = process.argv[2];
const config = loadConfig({ REDIS_URL: process.env.REDIS_URL, QUEUE_PREFIX: prefix } as NodeJS.ProcessEnv);
const queue = new Queue(SCHEDULE_QUEUE, { connection: redisOptions({ url: config.REDIS_URL, role: 'producer' }), prefix });
try {
  await new ScheduleKeeper({ queue, schedules: scheduleDefinitions(config), logger: createLogger('silent') }).registerAll();
} finally {
  await queue.close();
}
