import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import type { Store } from '../store/store.js';
import { createQuestionLog, type QuestionLog } from '../store/question-log.js';
import { DirectoryService } from '../directory/service.js';
import { AttendanceService } from './service.js';

export interface DomainServices {
  directory: DirectoryService;
  attendance: AttendanceService;
  questionLog: QuestionLog;
}

/**
 * The directory, attendance and question-log services over one store, configured from Config
 * (SCHEDULE_TIMEZONE, QUESTION_LOG_SALT, QUESTION_LOG_DAYS). `directory` and `attendance` satisfy the bot's
 * DirectoryPort and AttendancePort as they are.
 */
export function createDomainServices(
  store: Store,
  config: Pick<Config, 'SCHEDULE_TIMEZONE' | 'QUESTION_LOG_SALT' | 'QUESTION_LOG_DAYS'>,
  logger?: Logger,
  now?: () => Date,
): DomainServices {
  const directory = new DirectoryService(store, { timeZone: config.SCHEDULE_TIMEZONE, now, logger });
  const attendance = new AttendanceService(store, directory, { timeZone: config.SCHEDULE_TIMEZONE, now, logger });
  return { directory, attendance, questionLog: createQuestionLog(store, config, logger) };
}
