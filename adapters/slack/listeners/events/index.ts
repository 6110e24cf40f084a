import type { App } from '@slack/bolt';
import type { SlackListenerDeps } from '../../context.js';
import * as appHomeOpened from './app-home-opened.js';
import * as appMention from './app-mention.js';

export function registerEvents(app: App, deps: SlackListenerDeps): void {
  appMention.register(app, deps);
  appHomeOpened.register(app, deps);
}
