import type { App } from '@slack/bolt';
import type { SlackListenerDeps } from '../../context.js';
import * as attendanceSubmission from './attendance-submission.js';

export function registerViews(app: App, deps: SlackListenerDeps): void {
  attendanceSubmission.register(app, deps);
}
