import type { webApi } from '@slack/bolt';
import { slackWho, type SlackListenerDeps } from './context.js';
import { slackInput } from './text.js';
import { postReply, slackErrorInfo } from './post.js';
import { hasImages } from './blocks/render-reply.js';
import { DM_IMAGE_NOTE, THREAD_IMAGE_NOTE } from './notifier.js';
import { uploadImages } from './upload-images.js';

export interface IncomingMessage {
  user: string;
  team?: string;
  channel: string;
  /** The message's ts. */
  ts: string;
  /** Set when the message is inside a thread. */
  thread_ts?: string;
  /** As Slack sent it (markup and entities), the bot's mention removed. */
  text: string;
  /** 'dm': a direct message (reply in the conversation); 'mention': an @mention in a channel (reply in its thread). */
  surface: 'dm' | 'mention';
}

/**
 * A DM or @mention: :eyes: while the core works, its reply posted once. Whatever the words mean (question, help,
 * "attendance status", a quick form, "digest") is the core's decision; a form it wants opened comes back as a button
 * here, since a message carries no trigger to open a modal with.
 */
export async function handleMessage(client: webApi.WebClient, deps: SlackListenerDeps, m: IncomingMessage): Promise<void> {
  const root = m.thread_ts ?? m.ts;
  const reacted = await client.reactions
    .add({ channel: m.channel, timestamp: m.ts, name: 'eyes' })
    .then(() => true)
    .catch((err: unknown) => {
      deps.logger.debug({ err }, 'could not add :eyes: reaction');
      return false;
    });
  try {
    const { text, channels } = slackInput(m.text);
    const outcome = await deps.bot.handle({
      ...slackWho(deps, m.user, m.team),
      surface: m.surface,
      text,
      channels,
      conversationId: m.channel,
      thread: { conversationId: m.channel, threadId: root },
      deliveryKey: `slack:msg:${m.channel}:${m.ts}`,
    });
    const reply = outcome.kind === 'open-form' ? outcome.fallback : outcome.reply;
    const threaded = m.surface === 'mention' || !!m.thread_ts;
    await postReply(client, reply, {
      channel: m.channel,
      ...(threaded ? { thread_ts: root } : {}),
      maxRetryAfterMs: deps.maxRetryAfterMs,
      imageNote: threaded ? THREAD_IMAGE_NOTE : DM_IMAGE_NOTE,
    });
    // The digest's chart: right after the reply in a DM, in the reply's thread elsewhere.
    if (hasImages(reply)) await uploadImages(client, reply, m.channel, deps.logger, threaded ? root : undefined);
  } catch (err) {
    deps.logger.error({ err }, 'replying to a message failed');
    deps.countError?.('slack_answer', slackErrorInfo(err).kind);
  } finally {
    if (reacted) {
      await client.reactions.remove({ channel: m.channel, timestamp: m.ts, name: 'eyes' }).catch((err: unknown) => {
        deps.logger.debug({ err }, 'could not remove :eyes: reaction');
      });
    }
  }
}

/** Remove the bot's own mention(s) from an app_mention's text. */
export function stripMentions(text: string): string {
  return text.replace(/<@[A-Z0-9]+(\|[^>]*)?>/g, ' ').replace(/\s+/g, ' ').trim();
}
