import type { App, BlockButtonAction } from '@slack/bolt';
import { slackActor, type SlackListenerDeps } from '../../context.js';
import { errorReply } from '../../../../src/bot/index.js';
import { respondReply } from '../../respond.js';
import { actionIdPattern } from '../../blocks/action-ids.js';

/** Helpful / Not helpful buttons: one vote per person per answer, changeable (stored by the core). */
export function register(app: App, deps: SlackListenerDeps): void {
  for (const [actionId, helpful] of [['feedback_helpful', true], ['feedback_not_helpful', false]] as const) {
    app.action<BlockButtonAction>({ action_id: actionIdPattern(actionId) }, async ({ ack, body, action, respond }) => {
      await ack();
      deps.countRequest?.('action_feedback');
      try {
        const actor = await slackActor(deps, body.user.id, body.team?.id ?? body.user.team_id);
        const reply = await deps.bot.feedback(actor, action.value ?? '', helpful);
        await respondReply(respond, reply);
      } catch (err) {
        deps.logger.error({ err }, 'feedback failed');
        await respondReply(respond, errorReply(err)).catch(() => undefined);
      }
    });
  }
}
