import type { webApi } from '@slack/bolt';
import { askingActor, type SlackListenerDeps } from './context.js';
import { postReply, slackErrorInfo } from './post.js';

export interface IncomingQuestion {
  user: string;
  team?: string;
  channel: string;
  /** The question message's ts. */
  ts: string;
  /** Set when the message is inside a thread. */
  thread_ts?: string;
  text: string;
  /** Reply in a thread under the question (channels) rather than in the conversation (DMs). */
  replyInThread: boolean;
}

/** Answer a message (DM or @mention): :eyes: while working, answer posted once, thread context from stored answers. */
export async function answerMessage(client: webApi.WebClient, deps: SlackListenerDeps, q: IncomingQuestion): Promise<void> {
  const root = q.thread_ts ?? q.ts;
  const reacted = await client.reactions
    .add({ channel: q.channel, timestamp: q.ts, name: 'eyes' })
    .then(() => true)
    .catch((err: unknown) => {
      deps.logger.debug({ err }, 'could not add :eyes: reaction');
      return false;
    });
  try {
    const actor = await askingActor(deps, q.user, q.team);
    const { reply } = /^(help|\?)$/i.test(q.text.trim())
      ? { reply: deps.bot.help(actor) }
      : await deps.bot.ask(actor, q.text, {
          thread: { conversationId: q.channel, threadId: root },
          // A mention's answer is posted in the channel for all to see; a DM's only to the asker.
          ...(q.replyInThread ? { publicIn: q.channel } : {}),
        });
    await postReply(client, reply, {
      channel: q.channel,
      ...(q.replyInThread || q.thread_ts ? { thread_ts: root } : {}),
      maxRetryAfterMs: deps.maxRetryAfterMs,
    });
  } catch (err) {
    deps.logger.error({ err }, 'answering a message failed');
    deps.countError?.('slack_answer', slackErrorInfo(err).kind);
  } finally {
    if (reacted) {
      await client.reactions.remove({ channel: q.channel, timestamp: q.ts, name: 'eyes' }).catch((err: unknown) => {
        deps.logger.debug({ err }, 'could not remove :eyes: reaction');
      });
    }
  }
}

/** Remove the bot's own mention(s) from an app_mention's text. */
export function stripMentions(text: string): string {
  return text.replace(/<@[A-Z0-9]+(\|[^>]*)?>/g, ' ').replace(/\s+/g, ' ').trim();
}
