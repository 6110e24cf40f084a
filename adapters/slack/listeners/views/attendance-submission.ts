import { createHash } from 'node:crypto';
import type { App, ViewOutput, ViewStateValue } from '@slack/bolt';
import type { AttendanceFormValues, Outcome } from '../../../../src/bot/index.js';
import { FIGURE_FIELDS } from '../../../../src/attendance/types.js';
import { ATTENDANCE_CALLBACK_ID, VALUE_ACTION, attendanceModal, blockField, confirmationModal, parseModalMetadata, type ModalMetadata } from '../../blocks/attendance-modal.js';
import { slackWho, type SlackListenerDeps } from '../../context.js';
import { postReply } from '../../post.js';
import { truncate } from '../../blocks/escape.js';

/** Slack waits 3 s for the ack; past this we close the modal and send the outcome as a direct message. */
const ACK_BUDGET_MS = 2_400;

type StateValues = ViewOutput['state']['values'];

/**
 * The modal's inputs as the core's form values (block ids name fields, `sessions~2` included), with what the form was
 * showing from its metadata.
 */
export function formValues(values: StateValues, meta: ModalMetadata = {}): AttendanceFormValues {
  const byField = new Map<string, ViewStateValue>();
  for (const [blockId, actions] of Object.entries(values ?? {})) {
    const v = actions?.[VALUE_ACTION];
    if (v) byField.set(blockField(blockId), v);
  }
  const read = (field: string) => {
    const v = byField.get(field);
    if (!v) return null;
    return v.selected_option?.value ?? v.selected_date ?? v.value ?? null;
  };
  const figures: AttendanceFormValues['figures'] = {};
  for (const f of FIGURE_FIELDS) figures[f] = read(f);
  return {
    centreId: read('centre'),
    week: read('week'),
    figures,
    note: read('note'),
    ...(meta.shown ? { shown: { centreId: meta.shown.centreId, week: meta.shown.week, version: meta.shown.version } } : {}),
  };
}

/** The submission's idempotency key: the view id plus a hash of what was submitted. */
export function submissionKey(viewId: string, values: AttendanceFormValues): string {
  const hash = createHash('sha256').update(JSON.stringify(values)).digest('hex').slice(0, 32);
  return `slack:view:${viewId}:${hash}`;
}

/**
 * Field problems -> `response_action: 'errors'` keyed by the modal's block ids (unknown fields go on "centre"). Slack
 * shows at most 150 characters beside a field: a message is cut at a word, never mid-word, and a second one for the
 * same field is added only when it fits whole.
 */
export function modalErrors(problems: { field: string; message: string }[], blockIds: string[] = []): Record<string, string> {
  const blockOf = new Map<string, string>(['centre', 'week', 'note', ...FIGURE_FIELDS].map((f) => [f, f]));
  for (const id of blockIds) blockOf.set(blockField(id), id);
  const errors: Record<string, string> = {};
  for (const p of problems) {
    const block = blockOf.get(p.field) ?? 'centre';
    const message = cutAtWord(p.message, MODAL_ERROR_MAX);
    if (!errors[block]) errors[block] = message;
    else if (errors[block]!.length + 1 + message.length <= MODAL_ERROR_MAX) errors[block] = `${errors[block]} ${message}`;
  }
  return errors;
}

const MODAL_ERROR_MAX = 150;

/** At most `max` characters, cut at a space with an ellipsis; never inside a word (or an emoji). */
export function cutAtWord(text: string, max: number): string {
  const t = text.replace(/\s+/g, ' ').trim();
  if (t.length <= max) return t;
  const room = t.slice(0, max - 1);
  const space = room.lastIndexOf(' ');
  // One long word (a pasted value): cut it, but never between the halves of an emoji.
  return space > 0 ? `${room.slice(0, space).replace(/[\s,;:]+$/, '')}…` : truncate(t, max);
}

export function register(app: App, deps: SlackListenerDeps): void {
  app.view(ATTENDANCE_CALLBACK_ID, async ({ ack, body, view, client }) => {
    deps.countRequest?.('view_attendance');
    const meta = parseModalMetadata(view.private_metadata);
    const values = formValues(view.state.values, meta);
    const key = submissionKey(view.id, values);
    // The modal can only show field errors in the ack, so validation and storage happen before it (bounded).
    const work: Promise<Outcome> = deps.bot.handle({
      ...slackWho(deps, body.user.id, body.team?.id ?? body.user.team_id),
      surface: 'card',
      form: values,
      deliveryKey: key,
    });
    // If the ack itself fails after the budget ran out, nobody awaits `work`: its failure must not go unhandled.
    work.catch(() => undefined);
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((resolve) => {
      timer = setTimeout(() => resolve('late'), deps.viewAckBudgetMs ?? ACK_BUDGET_MS);
    });
    try {
      const first = await Promise.race([work, late]);
      if (first === 'late') {
        await ack();
        const outcome = await work;
        const dm = await client.conversations.open({ users: body.user.id });
        const reply = outcome.kind === 'open-form' ? outcome.fallback : outcome.reply;
        if (dm.channel?.id) await postReply(client, reply, { channel: dm.channel.id, maxRetryAfterMs: deps.maxRetryAfterMs });
        return;
      }
      if (first.kind === 'form-problems') {
        await ack({ response_action: 'errors', errors: modalErrors(first.problems, Object.keys(view.state.values ?? {})) });
      } else if (first.kind === 'open-form') {
        // The form no longer matched what is stored (another week, or someone amended it): shown again, filled anew.
        await ack({ response_action: 'update', view: attendanceModal(first.form, { ...meta, rev: (meta.rev ?? 0) + 1 }) });
      } else {
        await ack({ response_action: 'update', view: confirmationModal(first.reply) });
        // The modal goes away when the lead closes it: a short receipt stays in their DM with the bot.
        if (first.receipt) {
          const dm = await client.conversations.open({ users: body.user.id });
          if (dm.channel?.id) await postReply(client, first.receipt, { channel: dm.channel.id, maxRetryAfterMs: deps.maxRetryAfterMs });
        }
      }
    } catch (err) {
      deps.logger.error({ err }, 'attendance view submission failed');
      await ack({ response_action: 'errors', errors: { centre: 'Sorry, something went wrong. Nothing was saved; please try again.' } }).catch(() => undefined);
    } finally {
      clearTimeout(timer);
    }
  });
}
