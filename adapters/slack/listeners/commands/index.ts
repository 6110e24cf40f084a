import type { App } from '@slack/bolt';
import type { SlackListenerDeps } from '../../context.js';
import * as ask from './ask.js';
import * as attendance from './attendance.js';
import * as digest from './digest.js';

export function registerCommands(app: App, deps: SlackListenerDeps): void {
  ask.register(app, deps);
  attendance.register(app, deps);
  digest.register(app, deps);
}
