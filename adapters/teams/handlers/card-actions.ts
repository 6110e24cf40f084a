import type { TurnContext } from 'botbuilder';
import type { Application, FeedbackLoopData, TurnState } from '@microsoft/teams-ai';
import { decodeOpenFormValue, type AttendanceFormValues } from '../../../src/bot/index.js';
import { baseConversationId, isPersonal, senderName } from '../activity.js';
import { ATTENDANCE_LOAD_VERB, ATTENDANCE_SUBMIT_VERB, attendanceFormAttachment, type FormField } from '../cards/attendance-form-card.js';
import { formValues, submitIdempotencyKey, toFormValues } from '../cards/attendance-form-values.js';
import { replyToActivity } from '../cards/reply-card.js';
import type { TeamsAdapterDeps } from '../deps.js';
import { actorFor, formCard, identityOf, profileOf, rememberConversation, sendReply } from './turn.js';

interface ActionData {
  verb: string;
  value?: string;
}

/** Action.Submit buttons on the bot's cards, routed by the AI library on `value.verb`. */
export function registerCardActions(app: Application, deps: TeamsAdapterDeps): void {
  const on = (verb: string, handler: (context: TurnContext, data: ActionData) => Promise<void>) =>
    app.adaptiveCards.actionSubmit<ActionData>(verb, async (context: TurnContext, _state: TurnState, data: ActionData) => {
      await rememberConversation(deps, context);
      await handler(context, data);
    });

  const feedback = (helpful: boolean) => async (context: TurnContext, data: ActionData) => {
    if (!data.value) return;
    const actor = await actorFor(deps, context);
    await sendReply(context, await deps.bot.feedback(actor, data.value, helpful));
  };
  on('feedback_helpful', feedback(true));
  on('feedback_not_helpful', feedback(false));

  // Teams' native thumbs on answers (channelData.feedbackLoopEnabled). Teams shows its own confirmation, so no
  // message is sent; what the person wrote in Teams' feedback dialog is stored with the vote.
  app.feedbackLoop(async (context: TurnContext, _state: TurnState, data: FeedbackLoopData) => {
    if (!deps.answerMessages || !data.replyToId) return;
    const answerId = await deps.answerMessages.answerFor(baseConversationId(context.activity), data.replyToId);
    if (!answerId) {
      deps.logger.info('feedback for a Teams message with no stored answer ignored');
      return;
    }
    const actor = await actorFor(deps, context);
    await deps.bot.feedback(actor, answerId, data.actionValue?.reaction === 'like', feedbackText(data.actionValue?.feedback));
  });

  on('share_answer', async (context, data) => {
    if (!data.value) return;
    const actor = await actorFor(deps, context);
    await sendReply(context, await deps.bot.shareAnswer(actor, data.value, senderName(context.activity), baseConversationId(context.activity)));
  });

  on('open_attendance_form', async (context, data) => {
    const outcome = await deps.bot.handle({
      identity: identityOf(context.activity),
      profile: profileOf(context),
      // A button clicked where others can see the answer is told to use the personal chat, like words typed there.
      surface: isPersonal(context.activity) ? 'card' : 'mention',
      openForm: decodeOpenFormValue(data.value),
      deliveryKey: `teams:open:${context.activity.id ?? ''}`,
    });
    if (outcome.kind === 'open-form') await context.sendActivity(formCard(outcome.form));
    else await sendReply(context, outcome.reply);
  });

  // A reminder's "No sessions this week": the week is recorded closed; the receipt is the answer (the reminder card
  // itself is updated by the job side to say so).
  on('mark_week_closed', async (context, data) => {
    const outcome = await deps.bot.handle({
      identity: identityOf(context.activity),
      surface: isPersonal(context.activity) ? 'card' : 'mention',
      markClosed: decodeOpenFormValue(data.value),
      deliveryKey: `teams:closed:${context.activity.id ?? ''}`,
    });
    await sendReply(context, outcome.kind === 'reply' ? (outcome.receipt ?? outcome.reply) : outcome.kind === 'open-form' ? outcome.fallback : outcome.reply);
  });

  // "Show this week": the card reloaded for the centre and week chosen, filled in with their return.
  on(ATTENDANCE_LOAD_VERB, async (context) => {
    const values = formValues(context.activity.value);
    const outcome = await deps.bot.handle({
      identity: identityOf(context.activity),
      surface: isPersonal(context.activity) ? 'card' : 'mention',
      openForm: { ...(values.centre ? { centreId: values.centre } : {}), ...(values.week ? { week: values.week } : {}) },
      deliveryKey: `teams:load:${context.activity.id ?? ''}`,
    });
    if (outcome.kind === 'open-form') await replaceCard(context, formCard(outcome.form));
    else await replaceCard(context, replyToActivity(outcome.reply));
  });

  on(ATTENDANCE_SUBMIT_VERB, async (context) => {
    const activity = context.activity;
    const values = formValues(activity.value);
    const outcome = await deps.bot.handle({
      identity: identityOf(activity),
      profile: profileOf(context),
      surface: 'card',
      form: { ...toFormValues(values), shown: shownOf(activity.value) },
      deliveryKey: submitIdempotencyKey(activity, values),
    });
    // The centre or week changed, or the return was amended meanwhile: the card comes back showing what is there.
    if (outcome.kind === 'open-form') {
      await replaceCard(context, formCard(outcome.form));
      return;
    }
    if (outcome.kind === 'reply') {
      await replaceCard(context, replyToActivity(outcome.reply));
      return;
    }
    // Not (or no longer) a lead: the refusal is the answer, and the form goes away.
    if (!outcome.form) {
      await replaceCard(context, replyToActivity(outcome.reply));
      return;
    }
    // Show the problems on the form itself, with what was typed, so the lead fixes only what is wrong.
    const formLevel = outcome.problems.filter((p) => p.field === 'form');
    await replaceCard(context, {
      type: 'message',
      attachments: [
        attendanceFormAttachment(outcome.form, {
          values: values as Partial<Record<FormField, string>>,
          problems: outcome.problems,
          message: formLevel.length ? `Nothing was saved. ${formLevel.map((p) => p.message).join(' ')}` : undefined,
        }),
      ],
    });
  });
}

/** What the card was showing when it was submitted (its Action.Submit data), or null for an older card. */
function shownOf(value: unknown): AttendanceFormValues['shown'] {
  const shown = (value as { shown?: unknown } | null)?.shown as Record<string, unknown> | undefined;
  if (!shown || typeof shown !== 'object') return null;
  return {
    centreId: typeof shown.centreId === 'string' ? shown.centreId : null,
    week: typeof shown.week === 'string' ? shown.week : null,
    version: typeof shown.version === 'number' && Number.isInteger(shown.version) ? shown.version : null,
  };
}

/** Replace the card the button was on (updateActivity); post a new message when there is nothing to replace. */
async function replaceCard(context: TurnContext, activity: Partial<import('botbuilder').Activity>): Promise<void> {
  const cardId = context.activity.replyToId;
  if (cardId) {
    try {
      await context.updateActivity({ ...activity, id: cardId });
      return;
    } catch {
      // Falls through: e.g. the original card is too old to edit.
    }
  }
  await context.sendActivity(activity);
}

/**
 * The text of Teams' feedback dialog: Teams sends it as a JSON string ({"feedbackText": "…"}); an object or plain
 * text are read too. Null when nothing was written.
 */
export function feedbackText(feedback: unknown): string | null {
  let value: unknown = feedback;
  if (typeof feedback === 'string') {
    try {
      value = JSON.parse(feedback);
    } catch {
      return feedback.trim() || null;
    }
  }
  if (value && typeof value === 'object' && typeof (value as { feedbackText?: unknown }).feedbackText === 'string') {
    return (value as { feedbackText: string }).feedbackText.trim() || null;
  }
  return typeof value === 'string' ? value.trim() || null : null;
}
