import type { ConversationReference } from 'botbuilder';
import type { TeamsAdapter } from '@microsoft/teams-ai';
import type { Person } from '../../src/directory/types.js';
import { NotifierError, type Notifier, type SendResult, type SentMessage } from '../../src/bot/notifier.js';
import type { Reply } from '../../src/shared/reply.js';
import type { Logger } from '../../src/logger.js';
import { replyToActivity } from './cards/reply-card.js';
import type { SendPolicyOptions, TeamsConversationsPort } from './deps.js';
import { ConversationPacer, sendWithPolicy } from './send-policy.js';
import { REPLY_RETRY_POLICY } from './reply-retries.js';

export const GLOBAL_TEAMS_SERVICE_URL = 'https://smba.trafficmanager.net/teams/';

export interface TeamsNotifierOptions {
  adapter: TeamsAdapter;
  /** Bot id for continueConversationAsync: the app id ('' in local dev). */
  appId: string;
  tenantId?: string;
  conversations: TeamsConversationsPort;
  logger: Logger;
  channelServiceUrl?: string;
  sendPolicy?: SendPolicyOptions;
}

/** The Notifier port for Teams: proactive messages through the stored conversation references. */
export class TeamsNotifier implements Notifier {
  readonly platform = 'teams' as const;
  private readonly pacer = new ConversationPacer();

  constructor(private readonly opts: TeamsNotifierOptions) {}

  canReach(person: Person): boolean {
    return !!person.teams?.conversationReference && person.teams.reachable !== false;
  }

  async sendDirect(person: Person, reply: Reply): Promise<SendResult> {
    const teams = person.teams;
    if (!teams?.conversationReference) {
      throw new NotifierError('permanent', `${person.name} has not talked to the bot in Teams yet, so it cannot message them.`);
    }
    if (teams.reachable === false) {
      throw new NotifierError('permanent', `${person.name} removed or blocked the bot in Teams.`);
    }
    const reference = { ...(teams.conversationReference as Partial<ConversationReference>) };
    delete reference.activityId;
    const user = { aadObjectId: teams.aadObjectId, tenantId: teams.tenantId };
    return this.send(reference, reply, this.markOnPermanent(person, user));
  }

  /** Replace a message sent to the person earlier (updateActivity in their personal chat). */
  async updateDirect(person: Person, message: SentMessage, reply: Reply): Promise<void> {
    const teams = person.teams;
    if (!teams?.conversationReference) throw new NotifierError('permanent', `${person.name} has no Teams conversation with the bot.`);
    const reference = { ...(teams.conversationReference as Partial<ConversationReference>) };
    delete reference.activityId;
    if (message.conversationId && reference.conversation) reference.conversation = { ...reference.conversation, id: message.conversationId };
    const user = { aadObjectId: teams.aadObjectId, tenantId: teams.tenantId };
    await this.send(reference, reply, this.markOnPermanent(person, user), message.messageId);
  }

  private markOnPermanent(person: Person, user: { aadObjectId: string; tenantId: string }): Parameters<typeof sendWithPolicy>[4] {
    return async (failure) => {
      if (failure.kind === 'forbidden' || failure.kind === 'not_found') {
        await this.opts.conversations.markUnreachable(user).catch((err: unknown) => {
          this.opts.logger.error({ err, person: person.id }, 'could not mark Teams identity unreachable');
        });
        this.opts.logger.warn({ person: person.id, status: failure.status }, 'Teams identity marked unreachable');
      }
    };
  }

  async postToChannel(channel: string, reply: Reply): Promise<SendResult> {
    const conversationId = channel.trim();
    if (!conversationId) throw new NotifierError('permanent', 'No Teams channel id given.');
    const reference: Partial<ConversationReference> = {
      channelId: 'msteams',
      serviceUrl: this.opts.channelServiceUrl ?? GLOBAL_TEAMS_SERVICE_URL,
      conversation: {
        id: conversationId,
        isGroup: true,
        conversationType: 'channel',
        name: '',
        ...(this.opts.tenantId ? { tenantId: this.opts.tenantId } : {}),
      },
      bot: { id: this.opts.appId, name: '' },
    };
    return this.send(reference, reply);
  }

  /** Send the reply into the conversation, or with `replaceId`, put it in place of that message. */
  private async send(
    reference: Partial<ConversationReference>,
    reply: Reply,
    onPermanent?: Parameters<typeof sendWithPolicy>[4],
    replaceId?: string,
  ): Promise<SendResult> {
    const activity = replyToActivity(reply);
    const conversationId = reference.conversation?.id ?? '';
    const adapter = this.opts.adapter;
    return sendWithPolicy(
      conversationId,
      this.pacer,
      async () => {
        let id: string | undefined;
        // Errors are carried out of the callback by hand: the adapter would otherwise hand them to the
        // Application's turn-error handler, which is meant for inbound turns.
        let failure: { err: unknown } | undefined;
        await adapter.continueConversationAsync(this.opts.appId, reference, async (context) => {
          // The connector client retries on its own (botbuilder's default policy, or replyRetryPolicy installed by
          // the adapter's middleware); this notifier owns retries instead so attempts stay bounded and long waits
          // go back to the job scheduler.
          const client = context.turnState.get(adapter.ConnectorClientKey) as
            | { client?: { pipeline?: { removePolicy(p: { name: string }): unknown } } }
            | undefined;
          client?.client?.pipeline?.removePolicy({ name: 'defaultRetryPolicy' });
          client?.client?.pipeline?.removePolicy({ name: REPLY_RETRY_POLICY });
          // The continuation activity has a random id; without this the message would be sent as a reply to it.
          delete (context.activity as { id?: string }).id;
          try {
            if (replaceId) {
              await context.updateActivity({ ...activity, id: replaceId });
              id = replaceId;
            } else {
              const res = await context.sendActivity(activity);
              id = res?.id;
            }
          } catch (err) {
            failure = { err };
          }
        });
        if (failure) throw failure.err;
        return id ? { messageId: id, ...(conversationId ? { conversationId } : {}) } : {};
      },
      this.opts.sendPolicy,
      onPermanent,
    );
  }
}
