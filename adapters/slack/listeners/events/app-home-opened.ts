import type { App } from '@slack/bolt';
import { homeView } from '../../blocks/home-view.js';
import { slackActor, type SlackListenerDeps } from '../../context.js';
import { withRateLimitRetry } from '../../post.js';

/** App Home: what the bot does for this person, their recent returns, the latest digest for network leads. */
export function register(app: App, deps: SlackListenerDeps): void {
  app.event('app_home_opened', async ({ event, body, client }) => {
    deps.countRequest?.('event_app_home_opened');
    if (event.tab !== 'home') return;
    try {
      const actor = await slackActor(deps, event.user, body.team_id);
      const reply = await deps.bot.home(actor);
      // Publishing the same view twice is harmless, so a retried event needs no claim here.
      await withRateLimitRetry(() => client.views.publish({ user_id: event.user, view: homeView(reply) }), { maxRetryAfterMs: deps.maxRetryAfterMs });
    } catch (err) {
      deps.logger.error({ err }, 'App Home publish failed');
    }
  });
}
