import { ActivityTypes, type TurnContext } from 'botbuilder';
import type { Application } from '@microsoft/teams-ai';
import { notice } from '../../../src/bot/index.js';
import { baseConversationId, deliveryKey, isPersonal, mentionsBot, threadOf } from '../activity.js';
import { hasFeedbackActions, replyToActivity } from '../cards/reply-card.js';
import type { Reply } from '../../../src/shared/reply.js';
import type { TeamsAdapterDeps } from '../deps.js';
import { formCard, identityOf, profileOf, rememberConversation, sendReply } from './turn.js';
import { withTyping } from './typing.js';

/**
 * Any message in a personal chat, or an @mention elsewhere, goes to the core, which decides what the words mean
 * (a question, help, "attendance status", a quick form, "digest", …); this handler only renders the outcome.
 */
export function registerMessageHandler(app: Application, deps: TeamsAdapterDeps): void {
  app.activity(ActivityTypes.Message, async (context: TurnContext) => {
    const activity = context.activity;
    const personal = isPersonal(activity);
    if (!personal && !mentionsBot(activity)) return;
    await rememberConversation(deps, context);
    if (activity.value && !activity.text) {
      await sendReply(context, notice('info', 'That button is no longer in use. Type "help" to see what I can do.'));
      return;
    }
    const key = deliveryKey(activity);
    // Handled once per activity; a turn that throws gives its claim back, so Teams' redelivery is answered.
    await deps.deliveries.once('teams', `message:${key}`, () => handleMessage(deps, context, key, personal));
  });
}

async function handleMessage(deps: TeamsAdapterDeps, context: TurnContext, key: string, personal: boolean): Promise<void> {
  const activity = context.activity;
  const outcome = await withTyping(context, () =>
    deps.bot.handle({
      identity: identityOf(activity),
      profile: profileOf(context),
      surface: personal ? 'dm' : 'mention',
      text: activity.text ?? '',
      conversationId: baseConversationId(activity),
      thread: threadOf(activity),
      deliveryKey: `teams:msg:${key}`,
    }),
  );
  if (outcome.kind === 'open-form') {
    await context.sendActivity(formCard(outcome.form));
  } else if (outcome.kind === 'reply' && outcome.answerId !== undefined) {
    await sendAnswer(deps, context, outcome.reply, outcome.answerId);
  } else {
    await sendReply(context, outcome.reply);
  }
}

/**
 * Send an answer. With the message-to-answer store, Teams' own thumbs (the feedback loop) replace the card's
 * buttons, and the message id is remembered so a vote finds its answer.
 */
async function sendAnswer(deps: TeamsAdapterDeps, context: TurnContext, reply: Reply, answerId: string | null): Promise<void> {
  const loop = !!(deps.answerMessages && answerId && hasFeedbackActions(reply));
  const res = await context.sendActivity(replyToActivity(reply, { feedbackLoop: loop }));
  if (loop && res?.id) {
    await deps.answerMessages!.remember(baseConversationId(context.activity), res.id, answerId!).catch((err: unknown) => {
      deps.logger.warn({ err }, 'could not remember the answer message; its feedback buttons will not record');
    });
  }
}
