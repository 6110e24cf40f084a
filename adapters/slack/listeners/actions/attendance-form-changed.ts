import type { App, BlockAction } from '@slack/bolt';
import { ATTENDANCE_CALLBACK_ID, VALUE_ACTION, attendanceModal, parseModalMetadata } from '../../blocks/attendance-modal.js';
import type { SlackListenerDeps } from '../../context.js';
import { slackErrorInfo } from '../../post.js';
import { formValues } from '../views/attendance-submission.js';

/**
 * The centre or the week changed in the open return form (`dispatch_action`): the form is reloaded for them with
 * views.update, filled in with the return already in, or emptied when the form was showing another return. When it
 * was showing none, what the lead typed stays (Slack keeps input state for unchanged block ids).
 */
export function register(app: App, deps: SlackListenerDeps): void {
  app.action<BlockAction>({ type: 'block_actions', block_id: /^(centre|week)$/, action_id: VALUE_ACTION }, async ({ ack, body, client }) => {
    await ack();
    deps.countRequest?.('action_form_changed');
    const view = body.view;
    if (!view || view.callback_id !== ATTENDANCE_CALLBACK_ID) return;
    try {
      const meta = parseModalMetadata(view.private_metadata);
      const values = formValues(view.state.values, meta);
      const outcome = await deps.bot.handle({
        identity: { platform: 'slack', user: body.user.id, team: body.team?.id ?? body.user.team_id ?? '' },
        surface: 'card',
        openForm: { ...(values.centreId ? { centreId: values.centreId } : {}), ...(values.week ? { week: values.week } : {}) },
        deliveryKey: `slack:form-change:${view.id}:${view.hash}`,
      });
      if (outcome.kind !== 'open-form') return;
      const refill = !!outcome.form.existing || !!meta.shown?.version;
      await client.views.update({
        view_id: view.id,
        hash: view.hash,
        view: attendanceModal(outcome.form, { ...meta, rev: refill ? (meta.rev ?? 0) + 1 : meta.rev }),
      });
    } catch (err) {
      // hash_conflict: the lead changed something else meanwhile, and that change's reload wins.
      if (slackErrorInfo(err).error === 'hash_conflict') return;
      deps.logger.error({ err }, 'reloading the attendance form failed');
    }
  });
}
