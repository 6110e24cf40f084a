import { FIGURE_FIELDS } from '../../src/attendance/types.js';
import { DIRECTORY_YAML, TEAM, TEAMS_USERS, TENANT, USERS } from './directory-fixture.js';
import { newTriggerId, newTs } from './slack-requests.js';
import type { FakeSlack } from './fake-slack.js';
import { counterValue, recordingAnswerer, SIGNING_SECRET, startTestServer, type TestServer } from './server-harness.js';
import type { TestEngine, TestStore } from './store.js';

export { counterValue, DIRECTORY_YAML, recordingAnswerer, SIGNING_SECRET, TEAM, USERS };

/** The Teams identities of the Slack users, for tests that talk to one person on both platforms. */
export const TEAMS_TENANT_ID = TENANT;
export const TEAMS_IDS = Object.fromEntries(Object.entries(TEAMS_USERS).map(([k, u]) => [k, u.aadObjectId])) as Record<keyof typeof USERS, string>;

export interface SlackHarness extends TestServer {
  fake: FakeSlack;
  testStore: TestStore;
  answerer: NonNullable<TestServer['answerer']>;
}

/**
 * The one test server (tests/helpers/server-harness.ts) with Slack in HTTP mode against the fake Web API, the shared
 * test directory (or `slackOptions.directoryYaml`), the real knowledge base (recorded) and a store of `engine`. `env`
 * adds variables (Teams with TEAMS_LOCAL_DEV, jobs with JOBS_IN_PROCESS); `beforeStart` scripts the fake first.
 */
export async function startSlackHarness(
  engine: TestEngine = 'postgres',
  env: Record<string, string> = {},
  beforeStart?: (fake: FakeSlack) => void,
  slackOptions: { viewAckBudgetMs?: number; socketRetryMs?: number; directoryYaml?: string } = {},
  /** The bot's clock (the week due, week checks); platform signatures keep real time. */
  now?: () => Date,
): Promise<SlackHarness> {
  const { startFakeSlack } = await import('./fake-slack.js');
  const fake = await startFakeSlack();
  beforeStart?.(fake);
  try {
    const { directoryYaml, ...options } = slackOptions;
    const h = await startTestServer({ store: engine, env, directory: { yaml: directoryYaml }, slack: { fake, options }, answerer: 'recording', ...(now ? { now } : {}) });
    const close = h.close;
    return { ...h, fake, testStore: h.testStore!, answerer: h.answerer!, close: async () => (await close(), await fake.close()) };
  } catch (err) {
    await fake.close();
    throw err;
  }
}

/** All mrkdwn/plain text in a list of Block Kit blocks, joined (rich_text text elements included). */
export function blockText(blocks: any[] | undefined): string {
  const out: string[] = [];
  const richText = (x: any, depth: number): void => {
    if (!x || typeof x !== 'object' || depth > 10) return;
    if (x.type === 'text' && typeof x.text === 'string') out.push(x.text);
    for (const e of x.elements ?? []) richText(e, depth + 1);
  };
  for (const b of blocks ?? []) {
    if (b.type === 'rich_text') {
      richText(b, 0);
      continue;
    }
    if (b.text?.text) out.push(b.text.text);
    for (const f of b.fields ?? []) out.push(f.text);
    for (const e of b.elements ?? []) out.push(typeof e.text === 'string' ? e.text : (e.text?.text ?? ''));
  }
  return out.join('\n');
}

/** The value of the first button with this action id. */
export function buttonValue(blocks: any[] | undefined, actionId: string): string | undefined {
  for (const b of blocks ?? []) for (const e of b.elements ?? []) if (e.action_id === actionId) return e.value;
  return undefined;
}

export function userPayload(user: string) {
  return { id: user, username: user.toLowerCase(), name: user.toLowerCase(), team_id: TEAM };
}

/** A click on a button in an ephemeral message (an answer's feedback or share button), as Slack sends it. */
export function ephemeralButtonClick(click: { user: string; actionId?: string; value: unknown; channel: string; responseUrl: string; label?: string; channelName?: string }) {
  return {
    type: 'block_actions',
    user: userPayload(click.user),
    team: { id: TEAM, domain: 'camden' },
    api_app_id: 'A0CAMDEN01',
    token: 'legacy',
    trigger_id: newTriggerId(),
    container: { type: 'message', message_ts: newTs(), channel_id: click.channel, is_ephemeral: true },
    channel: { id: click.channel, name: click.channelName ?? 'general' },
    response_url: click.responseUrl,
    actions: [{ action_id: click.actionId, block_id: 'b1', type: 'button', value: click.value, text: { type: 'plain_text', text: click.label ?? 'x' }, action_ts: newTs() }],
  };
}

/** A click on a button in a message the bot posted in a DM (a reminder's Submit, No sessions, Change…), as Slack sends it. */
export function dmButtonClick(click: {
  /** A user id, or the whole user object Slack sends. */
  user: string | { id: string; username: string; name: string; team_id: string };
  button: { action_id: string; value?: string; text?: unknown };
  message: { ts: string; channel: string };
  triggerId?: string;
}) {
  return {
    type: 'block_actions',
    user: typeof click.user === 'string' ? userPayload(click.user) : click.user,
    team: { id: TEAM, domain: 'camden' },
    api_app_id: 'A0CAMDEN01',
    token: 'legacy',
    trigger_id: click.triggerId ?? newTriggerId(),
    container: { type: 'message', message_ts: click.message.ts, channel_id: click.message.channel, is_ephemeral: false },
    channel: { id: click.message.channel, name: 'directmessage' },
    actions: [{ action_id: click.button.action_id, block_id: 'b', type: 'button', value: click.button.value, text: click.button.text ?? { type: 'plain_text', text: 'x' }, action_ts: newTs() }],
  };
}

/** A Slack view_submission of the attendance modal (callback attendance_return) with these values typed in. */
export function attendanceViewSubmission(
  user: string,
  viewId: string,
  /** As typed; unknown so bad-input tests can send what a tampered payload would. */
  values: { centre?: unknown; week?: unknown; figures: Record<string, unknown>; note?: unknown },
) {
  const state: Record<string, Record<string, unknown>> = {
    centre: { value: { type: 'static_select', selected_option: values.centre ? { value: values.centre, text: { type: 'plain_text', text: String(values.centre) } } : null } },
    week: { value: { type: 'datepicker', selected_date: values.week ?? null } },
    note: { value: { type: 'plain_text_input', value: values.note ?? null } },
  };
  for (const f of FIGURE_FIELDS) state[f] = { value: { type: 'number_input', value: values.figures[f] === undefined ? null : String(values.figures[f]) } };
  return {
    type: 'view_submission',
    team: { id: TEAM, domain: 'camden' },
    user: userPayload(user),
    api_app_id: 'A0CAMDEN01',
    token: 'legacy',
    trigger_id: newTriggerId(),
    view: {
      id: viewId,
      team_id: TEAM,
      type: 'modal',
      callback_id: 'attendance_return',
      private_metadata: '{}',
      state: { values: state },
      hash: 'h1',
      title: { type: 'plain_text', text: 'Weekly return' },
      blocks: [],
    },
    response_urls: [],
    is_enterprise_install: false,
  };
}
