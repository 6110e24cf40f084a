import { createHash } from 'node:crypto';
import type { App, ViewOutput } from '@slack/bolt';
import type { AttendanceFormValues, Outcome } from '../../../../src/bot/index.js';
import { FIGURE_FIELDS } from '../../../../src/attendance/types.js';
import { ATTENDANCE_CALLBACK_ID, VALUE_ACTION, confirmationModal } from '../../blocks/attendance-modal.js';
import type { SlackListenerDeps } from '../../context.js';
import { postReply } from '../../post.js';
import { truncate } from '../../blocks/escape.js';

/** Slack waits 3 s for the ack; past this we close the modal and send the outcome as a direct message. */
const ACK_BUDGET_MS = 2_400;

type StateValues = ViewOutput['state']['values'];

export function formValues(values: StateValues): AttendanceFormValues {
  const read = (block: string) => {
    const v = values[block]?.[VALUE_ACTION];
    if (!v) return null;
    return v.selected_option?.value ?? v.selected_date ?? v.value ?? null;
  };
  const figures: AttendanceFormValues['figures'] = {};
  for (const f of FIGURE_FIELDS) figures[f] = read(f);
  return { centreId: read('centre'), week: read('week'), figures, note: read('note') };
}

/** The submission's idempotency key: the view id plus a hash of what was submitted. */
export function submissionKey(viewId: string, values: AttendanceFormValues): string {
  const hash = createHash('sha256').update(JSON.stringify(values)).digest('hex').slice(0, 32);
  return `slack:view:${viewId}:${hash}`;
}

/** Field problems -> `response_action: 'errors'` keyed by the modal's block ids (unknown fields go on "centre"). */
export function modalErrors(problems: { field: string; message: string }[]): Record<string, string> {
  const blocks = new Set<string>(['centre', 'week', 'note', ...FIGURE_FIELDS]);
  const errors: Record<string, string> = {};
  for (const p of problems) {
    const block = blocks.has(p.field) ? p.field : 'centre';
    errors[block] = errors[block] ? `${errors[block]} ${p.message}` : p.message;
  }
  // Slack shows these as plain text (no mrkdwn), at most 150 characters each.
  for (const k of Object.keys(errors)) errors[k] = truncate(errors[k]!, 150);
  return errors;
}

export function register(app: App, deps: SlackListenerDeps): void {
  app.view(ATTENDANCE_CALLBACK_ID, async ({ ack, body, view, client }) => {
    deps.countRequest?.('view_attendance');
    const values = formValues(view.state.values);
    const key = submissionKey(view.id, values);
    // The modal can only show field errors in the ack, so validation and storage happen before it (bounded).
    const work: Promise<Outcome> = deps.bot.handle({
      identity: { platform: 'slack', user: body.user.id, team: body.team?.id ?? body.user.team_id ?? '' },
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
      if (first.kind === 'form-problems') await ack({ response_action: 'errors', errors: modalErrors(first.problems) });
      else await ack({ response_action: 'update', view: confirmationModal(first.kind === 'reply' ? first.reply : first.fallback) });
    } catch (err) {
      deps.logger.error({ err }, 'attendance view submission failed');
      await ack({ response_action: 'errors', errors: { centre: 'Sorry, something went wrong. Nothing was saved; please try again.' } }).catch(() => undefined);
    } finally {
      clearTimeout(timer);
    }
  });
}
