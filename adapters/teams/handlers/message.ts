import { ActivityTypes, type TurnContext } from 'botbuilder';
import type { Application } from '@microsoft/teams-ai';
import { notice } from '../../../src/bot/index.js';
import { startsQuickForm } from '../../../src/attendance/quick-form.js';
import { baseConversationId, deliveryKey, isPersonal, mentionsBot, threadOf } from '../activity.js';
import { attendanceFormAttachment } from '../cards/attendance-form-card.js';
import { hasFeedbackActions, replyToActivity } from '../cards/reply-card.js';
import type { Reply } from '../../../src/shared/reply.js';
import type { TeamsAdapterDeps } from '../deps.js';
import { actorFor, rememberConversation, sendReply } from './turn.js';
import { withTyping } from './typing.js';

const PERSONAL_ONLY =
  'Attendance returns and the digest are handled in a personal chat with me, so figures are not shown to the whole channel. Open a chat with the bot and type "attendance".';

/** What a chat message asks for. The words match Slack's slash commands and the manifest's command list. */
export type TeamsCommand =
  | { kind: 'ask'; question: string }
  | { kind: 'attendance'; rest: string }
  | { kind: 'digest' }
  | { kind: 'help' };

export function parseTeamsCommand(text: string): TeamsCommand {
  const explicit = text.trim().startsWith('/');
  const t = text.trim().replace(/^\//, '');
  const m = /^(\S+)(?:\s+([\s\S]*))?$/.exec(t);
  const word = (m?.[1] ?? '').toLowerCase();
  const rest = (m?.[2] ?? '').trim();
  // "attendance" opens the form, "attendance status" / "attendance admin ..." / "attendance sessions 6 ..." are
  // commands; anything else ("Attendance at the centres: how is it counted?") is a question.
  if (word === 'attendance' && (explicit || !rest || isAttendanceCommand(rest))) return { kind: 'attendance', rest };
  if (word === 'digest' && !rest) return { kind: 'digest' };
  if (word === 'help' && !rest) return { kind: 'help' };
  if (word === 'ask') return { kind: 'ask', question: rest };
  return { kind: 'ask', question: t };
}

function isAttendanceCommand(rest: string): boolean {
  const first = rest.split(/\s+/, 1)[0]!.toLowerCase();
  return first === 'status' || first === 'admin' || startsQuickForm(first);
}

/** Any message in a personal chat, or an @mention elsewhere, is a question or one of the chat commands. */
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
    if (!(await claim(deps, key))) {
      deps.logger.info({ activity: activity.id }, 'duplicate Teams message ignored');
      return;
    }
    try {
      await handleMessage(deps, context, key, personal);
    } catch (err) {
      // Nothing (or not all) was sent: let a redelivery of this activity try again.
      await deps.deliveries.release?.('teams', `message:${key}`).catch(() => undefined);
      throw err;
    }
  });
}

async function handleMessage(deps: TeamsAdapterDeps, context: TurnContext, key: string, personal: boolean): Promise<void> {
  const activity = context.activity;
  const command = parseTeamsCommand(activity.text ?? '');
  const actor = await actorFor(deps, context, command.kind === 'ask' || command.kind === 'help' ? 'ask' : 'act');
  switch (command.kind) {
    case 'ask': {
      const result = await withTyping(context, () => deps.bot.ask(actor, command.question, {
          thread: threadOf(activity),
          ...(personal ? {} : { publicIn: baseConversationId(activity) }),
        }));
      await sendAnswer(deps, context, result.reply, result.answerId);
      return;
    }
    case 'attendance': {
      if (!personal) return void (await sendReply(context, notice('info', PERSONAL_ONLY)));
      const outcome = await deps.bot.attendanceCommand(actor, command.rest, `teams:msg:${key}`);
      if (outcome.kind === 'open-form') {
        await context.sendActivity({
          type: 'message',
          attachments: [
            attendanceFormAttachment({
              centres: outcome.form.centres,
              defaultWeek: outcome.form.defaultWeek,
              values: outcome.form.initialCentre ? { centre: outcome.form.initialCentre } : {},
            }),
          ],
        });
      } else {
        await sendReply(context, outcome.reply);
      }
      return;
    }
    case 'digest':
      if (!personal) return void (await sendReply(context, notice('info', PERSONAL_ONLY)));
      await sendReply(context, await withTyping(context, () => deps.bot.digest(actor)));
      return;
    case 'help':
      await sendReply(context, deps.bot.help(actor));
      return;
  }
}

/**
 * True the first time this activity is seen. If the database cannot say, answer anyway: a rare duplicate
 * answer is better than none (attendance submits carry their own key and stay exactly-once).
 */
async function claim(deps: TeamsAdapterDeps, key: string): Promise<boolean> {
  try {
    return await deps.deliveries.claim('teams', `message:${key}`);
  } catch (err) {
    deps.logger.warn({ err }, 'delivery claim failed; handling the message anyway');
    return true;
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
