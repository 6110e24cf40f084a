import type { App } from '@slack/bolt';
import type { SlackListenerDeps } from '../../context.js';
import * as directMessage from './direct-message.js';

export function registerMessages(app: App, deps: SlackListenerDeps): void {
  directMessage.register(app, deps);
}
