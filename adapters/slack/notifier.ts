import type { webApi } from '@slack/bolt';
import type { Person } from '../../src/directory/types.js';
import { NotifierError, neverSent, type Notifier, type SendResult, type SentMessage } from '../../src/bot/notifier.js';
import type { Reply } from '../../src/shared/reply.js';
import type { Logger } from '../../src/logger.js';
import { PartlyPostedError, postReply, slackErrorInfo, withRateLimitRetry } from './post.js';
import { toMessages } from './blocks/render-reply.js';
import { uploadImages } from './upload-images.js';

const PERMANENT = new Set([
  'user_not_found',
  'account_inactive',
  'channel_not_found',
  'not_in_channel',
  'is_archived',
  'user_disabled',
  'cannot_dm_bot',
  'invalid_auth',
  'not_authed',
  'token_revoked',
  'missing_scope',
  // chat.update: the message is gone or can no longer be edited.
  'message_not_found',
  'cant_update_message',
  'edit_window_closed',
]);

/**
 * Slack refused the request's shape (Block Kit rules, text limits, arguments): sending it again cannot work,
 * and it means the bot built a payload Slack does not accept.
 */
const INVALID_REQUEST = new Set([
  'invalid_blocks',
  'invalid_blocks_format',
  'invalid_arguments',
  'invalid_attachments',
  'too_many_attachments',
  'msg_too_long',
  'no_text',
  'invalid_arg_name',
  'invalid_array_arg',
  'invalid_charset',
  'invalid_form_data',
  'invalid_post_type',
  'missing_post_type',
  'invalid_json',
  'json_not_object',
]);

/** Where a message's chart is, said under its title: right after a DM, in a channel post's thread. */
export const DM_IMAGE_NOTE = 'the chart follows this message.';
export const THREAD_IMAGE_NOTE = "the chart is in this message's thread.";

function requestErrorCode(err: unknown): string | undefined {
  const original = (err as { original?: { code?: unknown; cause?: { code?: unknown } } } | null)?.original;
  const code = original?.code ?? original?.cause?.code;
  return typeof code === 'string' ? code : undefined;
}

/** Slack's explanation of a refused payload (json pointers), when it gave one. */
function slackErrorMessages(err: unknown): string {
  const data = (err as { data?: { errors?: unknown; response_metadata?: { messages?: unknown } } } | null)?.data;
  const list = Array.isArray(data?.errors) ? data.errors : Array.isArray(data?.response_metadata?.messages) ? data.response_metadata.messages : [];
  return list.slice(0, 3).map(String).join('; ');
}

/** Map a Slack Web API failure to the Notifier's error kinds (rate_limited carries Retry-After). */
export function toNotifierError(err: unknown): NotifierError {
  if (err instanceof NotifierError) return err;
  if (err instanceof PartlyPostedError) {
    return new NotifierError('unknown', `Slack took part of the message, then failed; not sent again: ${err.message}`, undefined, { cause: err });
  }
  const info = slackErrorInfo(err);
  if (info.kind === 'rate_limited') return new NotifierError('rate_limited', 'Slack rate limit reached', info.retryAfterMs, { cause: err });
  if (info.kind === 'platform' && INVALID_REQUEST.has(info.error ?? '')) {
    const detail = slackErrorMessages(err);
    return new NotifierError('invalid_request', `Slack refused the message as malformed: ${info.error}${detail ? ` (${detail})` : ''}`, undefined, { cause: err });
  }
  if (info.kind === 'platform' && PERMANENT.has(info.error ?? '')) {
    return new NotifierError('permanent', `Slack refused the message: ${info.error}`, undefined, { cause: err });
  }
  if (info.kind === 'request' && !neverSent(requestErrorCode(err))) {
    // Timed out or cut off after the request went out: Slack may have posted it, so it must not be sent again.
    return new NotifierError('unknown', `Slack did not answer in time; the message may have been delivered: ${(err as Error)?.message ?? 'request failed'}`, undefined, { cause: err });
  }
  const what = info.kind === 'platform' ? info.error : info.kind === 'http' ? `HTTP ${info.status}` : (err as Error)?.message;
  return new NotifierError('transient', `Slack send failed: ${what ?? 'unknown error'}`, undefined, { cause: err });
}

/**
 * Notifier for Slack: direct messages via conversations.open + chat.postMessage, channel posts via chat.postMessage.
 * No retries here: a 429 is reported as rate_limited with its Retry-After so the job can reschedule; 5xx is
 * 'transient'; a timeout is 'unknown' (the message may have been delivered) and must not be resent.
 */
export function createSlackNotifier(client: webApi.WebClient, logger?: Logger): Notifier {
  return {
    platform: 'slack',
    canReach: (person: Person) => !!person.slack?.user,
    async sendDirect(person: Person, reply: Reply): Promise<SendResult> {
      if (!person.slack?.user) throw new NotifierError('permanent', `${person.email} has no Slack identity`);
      try {
        const dm = await client.conversations.open({ users: person.slack.user });
        const channel = dm.channel?.id;
        if (!channel) throw new NotifierError('transient', 'Slack did not return a DM channel');
        const messageId = await postReply(client, reply, { channel, maxAttempts: 1, imageNote: DM_IMAGE_NOTE });
        await uploadImages(client, reply, channel, logger);
        return { messageId, conversationId: channel };
      } catch (err) {
        throw toNotifierError(err);
      }
    },
    async postToChannel(channel: string, reply: Reply): Promise<SendResult> {
      try {
        const messageId = await postReply(client, reply, { channel, maxAttempts: 1, imageNote: THREAD_IMAGE_NOTE });
        // In a channel the chart goes in the digest's thread, so it cannot drift away from the message it belongs to.
        await uploadImages(client, reply, channel, logger, messageId);
        return { messageId, conversationId: channel };
      } catch (err) {
        throw toNotifierError(err);
      }
    },
    async updateDirect(person: Person, message: SentMessage, reply: Reply): Promise<void> {
      try {
        let channel = message.conversationId ?? undefined;
        if (!channel) {
          if (!person.slack?.user) throw new NotifierError('permanent', `${person.email} has no Slack identity`);
          channel = (await client.conversations.open({ users: person.slack.user })).channel?.id;
          if (!channel) throw new NotifierError('transient', 'Slack did not return a DM channel');
        }
        // A reminder is one message; were it longer, its first part is the one that names the week.
        const first = toMessages(reply)[0]!;
        await withRateLimitRetry(() => client.chat.update({ channel: channel!, ts: message.messageId, text: first.text, blocks: first.blocks }), { maxAttempts: 1 });
      } catch (err) {
        throw toNotifierError(err);
      }
    },
  };
}
