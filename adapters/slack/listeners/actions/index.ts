import type { App } from '@slack/bolt';
import type { SlackListenerDeps } from '../../context.js';
import * as attendanceFormChanged from './attendance-form-changed.js';
import * as feedback from './feedback.js';
import * as markWeekClosed from './mark-week-closed.js';
import * as openAttendanceForm from './open-attendance-form.js';
import * as shareAnswer from './share-answer.js';

export function registerActions(app: App, deps: SlackListenerDeps): void {
  feedback.register(app, deps);
  shareAnswer.register(app, deps);
  openAttendanceForm.register(app, deps);
  attendanceFormChanged.register(app, deps);
  markWeekClosed.register(app, deps);
}
