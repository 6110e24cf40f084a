import type { App } from '@slack/bolt';
import type { SlackListenerDeps } from '../context.js';
import { registerActions } from './actions/index.js';
import { registerCommands } from './commands/index.js';
import { registerEvents } from './events/index.js';
import { registerMessages } from './messages/index.js';
import { registerViews } from './views/index.js';

export function registerListeners(app: App, deps: SlackListenerDeps): void {
  registerCommands(app, deps);
  registerActions(app, deps);
  registerViews(app, deps);
  registerEvents(app, deps);
  registerMessages(app, deps);
}
