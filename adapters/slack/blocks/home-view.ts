import type { Reply } from '../../../src/shared/reply.js';
import { toViewBlocks } from './render-reply.js';
import type { HomeView } from './slack-types.js';

export function homeView(reply: Reply): HomeView {
  return { type: 'home', blocks: toViewBlocks(reply) };
}
