import type { Reply } from '../../../src/shared/reply.js';
import { commandText } from '../../../src/shared/commands.js';
import { toViewBlocks } from './render-reply.js';
import type { HomeView } from './slack-types.js';

/** App Home cannot upload the digest's chart: it says where the chart comes. */
export function homeView(reply: Reply): HomeView {
  const note = `type ${commandText('slack', 'digest')} and it comes to your messages with me.`;
  return { type: 'home', blocks: toViewBlocks(reply, undefined, { imageNote: note }) };
}
