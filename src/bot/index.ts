/**
 * Bot core: channel-agnostic conversation logic shared by the Slack and Teams adapters.
 *
 * API (adapters only translate platform payloads to these calls and render the returned neutral `Reply`):
 *   const bot = createBot({ answerer, directory, attendance, answers, questionLog?, digest?, observe?, logger? });
 *   const actor = await bot.actor({ platform: 'teams', aadObjectId, tenantId });   // unknown people: person null
 *   bot.ask(actor, text, { thread?: { conversationId, threadId }, shareable?, publicIn? }) -> { reply, answerId, answered }
 *       (a follow-up in a thread uses the thread's first stored question as retrieval context)
 *   bot.attendanceCommand(actor, textAfterAttendance, idempotencyKey) -> { kind: 'open-form', form } | { kind: 'reply', reply }
 *       handles "", "status", "help", quick form, "admin register ..." and "admin pause ... until ..."
 *   bot.attendanceForm(actor, preset?) -> { centres, defaultWeek, initialCentre?, fields }   (throws NotAuthorisedError for non-leads)
 *       preset = decodeOpenFormValue(action value) opens a reminder's centre and week
 *   bot.submitForm(actor, { centreId, week, figures: {sessions: '6', ...}, note }, key)
 *       -> { ok: true, reply, result } | { ok: false, reply, problems: [{ field, message }] }
 *          (field is a FigureField, 'centre', 'week', 'note' or 'form')
 *   bot.submitQuickForm(actor, text, key), bot.status(actor), bot.digest(actor), bot.help(actor), bot.home(actor) -> Reply
 *   bot.feedback(actor, answerId, helpful) -> Reply;  bot.shareAnswer(actor, answerId, sharedByName, conversationId) -> Reply (askers only, or where already public)
 * Nothing here throws to the platform: typed errors come back as a clear notice Reply.
 * Reply actions carry ids 'feedback_helpful' | 'feedback_not_helpful' | 'share_answer' (value = answer id) and
 * 'open_attendance_form'.
 * Idempotency keys: derive from the platform delivery (Slack trigger_id / view id + values hash; Teams activity id).
 */
export { createBot } from './bot.js';
export { MAX_QUESTION_CHARS } from '../shared/limits.js';
export type { Bot, AskOptions, AskResult, AttendanceFormModel, AttendanceOutcome, FormSubmitOutcome, ThreadRef } from './bot.js';
export type * from './ports.js';
export type { AttendanceFormValues } from './form-values.js';
export { ABSTAIN_TEXT, answerReply } from './answer-reply.js';
export { errorReply, notice } from './error-reply.js';
export { parseAttendanceCommand } from './commands.js';
export { decodeOpenFormValue, encodeOpenFormValue, type OpenFormPreset } from './open-form-value.js';
export type { Reply, ReplyBlock, ReplyAction, ReplyActionId } from '../shared/reply.js';
export type { Notifier, SendResult } from './notifier.js';
export type { Platform } from '../shared/platform.js';
export { NotifierError } from './notifier.js';
