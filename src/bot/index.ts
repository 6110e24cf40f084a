/**
 * Bot core: channel-agnostic conversation logic shared by the Slack and Teams adapters.
 *
 * One inbound entry (adapters translate a platform payload to an Inbound and render the Outcome):
 *   const bot = createBot({ answerer, directory, attendance, answers, questionLog?, digest?, observe?, logger? });
 *   bot.handle({ identity, surface: 'dm' | 'mention' | 'command' | 'card', command?, text?, form?, openForm?,
 *                conversationId?, thread?, deliveryKey })
 *     -> { kind: 'reply', intent, reply, answerId? }            send the neutral Reply
 *      | { kind: 'open-form', form, fallback }                  open the attendance form (or post `fallback`, a button)
 *      | { kind: 'form-problems', reply, problems, form }       put the problems beside the form's fields
 *   The words are parsed once (intents.ts): help, greetings and thanks, questions, "attendance" (form, quick form,
 *   status), "digest", "admin …". A follow-up in a thread is read with the thread's first question as context.
 * Buttons on the bot's own messages: bot.feedback(actor, answerId, helpful), bot.shareAnswerOutcome(actor, answerId,
 * sharedByName, conversationId) (askers only, or where the answer is already public); App Home and the Teams welcome: bot.home(actor), bot.help(actor).
 * Nothing here throws to the platform: typed errors come back as a clear notice Reply.
 * Reply actions carry ids 'feedback_helpful' | 'feedback_not_helpful' | 'share_answer' (value = answer id) and
 * 'open_attendance_form' (value = encodeOpenFormValue(preset), or anything else for no preset).
 * Delivery keys: derive from the platform delivery (Slack trigger_id / view id + values hash / message ts; Teams activity).
 */
export { createBot, type Bot } from './bot.js';
export type { Inbound, Outcome, Surface, ThreadRef, AttendanceFormModel } from './inbound.js';
export { parseIntent, type Intent, type IntentKind } from './intents.js';
export { ADMIN_COMMANDS, parseAdminCommand, type AdminCommand } from './admin-commands.js';
export type * from './ports.js';
export type { AttendanceFormValues } from './form-values.js';
export { ABSTAIN_TEXT, answerReply } from './answer-reply.js';
export { errorReply, notice } from './error-reply.js';
export { decodeOpenFormValue, encodeOpenFormValue, type OpenFormPreset } from './open-form-value.js';
export type { Reply, ReplyBlock, ReplyAction, ReplyActionId } from '../shared/reply.js';
export type { Notifier, SendResult } from './notifier.js';
export type { Platform } from '../shared/platform.js';
export { MAX_QUESTION_CHARS } from '../shared/limits.js';
export { NotifierError } from './notifier.js';
