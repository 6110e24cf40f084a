import type { webApi } from '@slack/bolt';
import type { Reply } from '../../src/shared/reply.js';
import type { Logger } from '../../src/logger.js';

/**
 * Upload a reply's images (e.g. the digest chart) to the channel after its message (files.uploadV2; scope
 * files:write). The message is already delivered, so a failed upload is logged, never thrown: a retry of the
 * whole send would post the message twice.
 */
export async function uploadImages(client: webApi.WebClient, reply: Reply, channel: string, logger?: Logger, threadTs?: string): Promise<number> {
  let uploaded = 0;
  for (const block of reply.blocks) {
    if (block.kind !== 'image') continue;
    try {
      await client.filesUploadV2({
        channel_id: channel,
        file: Buffer.from(block.png),
        filename: `${block.title.replace(/[^A-Za-z0-9-]+/g, '-').replace(/^-|-$/g, '').toLowerCase() || 'chart'}.png`,
        title: block.title,
        alt_text: block.alt.slice(0, 1000),
        ...(threadTs ? { thread_ts: threadTs } : {}),
      } as webApi.FilesUploadV2Arguments);
      uploaded++;
    } catch (err) {
      logger?.warn({ err, channel }, 'chart upload to Slack failed; the message itself was sent');
    }
  }
  return uploaded;
}
