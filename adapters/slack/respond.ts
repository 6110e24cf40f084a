import type { RespondFn } from '@slack/bolt';
import type { Reply } from '../../src/shared/reply.js';
import { toMessages } from './blocks/render-reply.js';

/** Reply through the response_url, visible only to the person (ephemeral), split to Slack's limits. */
export async function respondReply(respond: RespondFn, reply: Reply, options: { replaceOriginal?: boolean } = {}): Promise<void> {
  const messages = toMessages(reply);
  for (const [i, m] of messages.entries()) {
    await respond({
      response_type: 'ephemeral',
      replace_original: i === 0 && !!options.replaceOriginal,
      text: m.text,
      blocks: m.blocks,
      unfurl_links: false,
      unfurl_media: false,
    });
  }
}
