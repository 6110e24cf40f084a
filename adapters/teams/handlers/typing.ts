import { ActivityTypes, type TurnContext } from 'botbuilder';

/** Teams shows "typing…" for about three seconds per typing activity. */
const TYPING_REPEAT_MS = 3_000;

/**
 * Shows the typing indicator while `work` runs: one typing activity at once, then one every three seconds.
 * Per turn (teams-ai's built-in timer is shared by all concurrent turns of an Application, so it is turned off).
 */
export async function withTyping<T>(context: TurnContext, work: () => Promise<T>): Promise<T> {
  let stopped = false;
  const send = () => {
    if (stopped) return Promise.resolve();
    return context.sendActivity({ type: ActivityTypes.Typing }).then(
      () => undefined,
      () => undefined,
    );
  };
  await send();
  const timer = setInterval(() => void send(), TYPING_REPEAT_MS);
  timer.unref?.();
  try {
    return await work();
  } finally {
    stopped = true;
    clearInterval(timer);
  }
}
