/**
 * A week of attendance returns walked as its people walk it, printed as each of them sees it.
 *
 *   npx tsx scripts/walk-week.ts            (WALK_JSON=file also writes the raw payloads)
 *
 * The real server (tests/helpers/server-harness.ts) on PGlite in a temp dir, Slack against the strict fake Web API
 * (Block Kit rules), Teams against the strict fake Bot Connector (Adaptive Card rules), the real BullMQ jobs on the
 * local Redis under a prefix of its own (deleted at the end). People: Priya, lead of two centres on Slack; Sam, lead
 * on Teams; Dev, a lead on Slack who never sends; Nia, network lead; Alex, admin. Jobs are run from chat as the admin
 * would (`admin run reminder|nudge|digest`), with the bot's clock set to the scheduled time.
 *
 * Every message a person sees is printed in a compact form: text, fields, inputs with their values, buttons with
 * their labels. The script exits non-zero when a fake refused a payload.
 */
import { writeFileSync } from 'node:fs';
import { NotificationClaimsRepo } from '../src/store/notification-claims-repo.js';
import { FAKE_TEAM } from '../tests/helpers/fake-slack.js';
import { startFakeBotConnector } from '../tests/helpers/fake-bot-connector.js';
import { startTestServer, type TestServer } from '../tests/helpers/server-harness.js';
import { dmButtonClick } from '../tests/helpers/slack-harness.js';
import { newTriggerId, newTs } from '../tests/helpers/slack-requests.js';
import { deletePrefix, REDIS_URL, uniquePrefix } from '../tests/jobs/helpers.js';

const TEAM = FAKE_TEAM;
const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const SLACK = { priya: 'U0PRIYA01', dev: 'U0DEV0001', nia: 'U0NIA0001', alex: 'U0ALEX001' } as const;
const SAM = { aadObjectId: '6f1c2a3b-0000-4000-8000-00000000a001', tenantId: TENANT, name: 'Sam Okafor' };
const NAMES: Record<string, string> = { [SLACK.priya]: 'Priya', [SLACK.dev]: 'Dev', [SLACK.nia]: 'Nia', [SLACK.alex]: 'Alex' };

const DIRECTORY = `
centres:
  - id: acland-burghley
    name: Acland Burghley Opportunity Centre
    from: 2026-09-07
  - id: la-sainte-union
    name: La Sainte Union Opportunity Centre
    from: 2026-09-07
  - id: camden-career-club
    name: Camden Career Club at the Euston Skills Centre
    from: 2026-09-07
  - id: london-ai-campus
    name: London AI Campus
    from: 2026-09-07
people:
  - name: Priya Shah
    email: priya.shah@example.org
    roles: [oc_lead]
    centres: [camden-career-club, london-ai-campus]
    slack: { user: ${SLACK.priya}, team: ${TEAM} }
  - name: Sam Okafor
    email: sam.okafor@example.org
    roles: [oc_lead]
    centres: [acland-burghley]
    teams: { aadObjectId: ${SAM.aadObjectId}, tenantId: ${TENANT} }
  - name: Dev Patel
    email: dev.patel@example.org
    roles: [oc_lead]
    centres: [la-sainte-union]
    slack: { user: ${SLACK.dev}, team: ${TEAM} }
  - name: Nia Roberts
    email: nia.roberts@example.org
    roles: [network_lead]
    slack: { user: ${SLACK.nia}, team: ${TEAM} }
  - name: Alex Admin
    email: alex.admin@example.org
    roles: [admin]
    slack: { user: ${SLACK.alex}, team: ${TEAM} }
digest:
  slackChannels: [C0DIGEST1]
`;

// ---------- compact rendering of what a person sees ----------

const clip = (s: string, n = 400) => (s.length > n ? `${s.slice(0, n)}…` : s);
const txt = (t: any): string => (typeof t === 'string' ? t : (t?.text ?? ''));

/** Slack Block Kit, one line per visible thing. */
export function renderBlocks(blocks: any[] = []): string[] {
  const out: string[] = [];
  const rich = (x: any): string => (x?.type === 'text' ? x.text : x?.type === 'link' ? (x.text ?? x.url) : (x?.elements ?? []).map(rich).join(''));
  for (const b of blocks) {
    switch (b.type) {
      case 'header':
        out.push(`# ${txt(b.text)}`);
        break;
      case 'section':
        if (b.text) out.push(txt(b.text));
        for (const f of b.fields ?? []) out.push(`  · ${txt(f).replace(/\n/g, ' ')}`);
        if (b.accessory?.type === 'button') out.push(`  [${txt(b.accessory.text)}]`);
        break;
      case 'context':
        out.push(`(${(b.elements ?? []).map((e: any) => (e.type === 'image' ? `[image: ${e.alt_text}]` : txt(e))).join(' ')})`);
        break;
      case 'actions':
        out.push((b.elements ?? []).map((e: any) => `[${txt(e.text) || e.placeholder?.text || e.type}]`).join(' '));
        break;
      case 'input': {
        const e = b.element ?? {};
        const value = e.initial_value ?? e.initial_date ?? e.initial_option?.text?.text ?? '';
        const shown = value === '' ? `(${txt(e.placeholder) || 'empty'})` : value;
        out.push(`${txt(b.label)}${b.optional ? ' (optional)' : ''}: ${shown}${b.hint ? `   — ${txt(b.hint)}` : ''}`);
        break;
      }
      case 'image':
        out.push(`[image: ${b.alt_text}${b.title ? ` — ${txt(b.title)}` : ''}]`);
        break;
      case 'divider':
        out.push('---');
        break;
      case 'rich_text':
        out.push(rich(b));
        break;
      default:
        out.push(`<${b.type}>`);
    }
  }
  return out;
}

/** An Adaptive Card, one line per visible thing. */
export function renderCard(card: any): string[] {
  const out: string[] = [];
  const walk = (items: any[] = []) => {
    for (const e of items) {
      switch (e.type) {
        case 'TextBlock':
          out.push(e.weight === 'Bolder' && e.size ? `# ${e.text}` : e.text);
          break;
        case 'RichTextBlock':
          out.push((e.inlines ?? []).map((i: any) => (typeof i === 'string' ? i : i.text)).join(''));
          break;
        case 'FactSet':
          for (const f of e.facts ?? []) out.push(`  · ${f.title}: ${f.value}`);
          break;
        case 'Image':
          out.push(`[image: ${e.altText ?? ''}]`);
          break;
        case 'Container':
          walk(e.items);
          break;
        case 'ColumnSet':
          for (const c of e.columns ?? []) walk(c.items);
          break;
        case 'ActionSet':
          out.push(renderActions(e.actions));
          break;
        default:
          if (String(e.type).startsWith('Input.')) {
            const value = e.value ?? '';
            const choice = e.choices?.find((c: any) => c.value === value)?.title;
            out.push(`${e.label ?? e.id}${e.isRequired ? ' *' : ''}: ${choice ?? (value === '' ? `(${e.placeholder ?? 'empty'})` : value)}`);
          } else out.push(`<${e.type}>`);
      }
    }
  };
  walk(card.body);
  if (card.actions?.length) out.push(renderActions(card.actions));
  return out;
}

function renderActions(actions: any[] = []): string {
  return actions.map((a) => `[${a.title}]`).join(' ');
}

// ---------- the walk ----------

let clock = new Date('2026-12-02T09:00:00Z');
const transcript: string[] = [];
const raw: Record<string, unknown>[] = [];

function show(who: string, where: string, lines: string[], payload: unknown) {
  transcript.push(`\n── ${who} · ${where}`);
  for (const l of lines) for (const part of String(l).split('\n')) transcript.push(`   ${clip(part)}`);
  raw.push({ who, where, payload });
}

function step(title: string) {
  const when = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', weekday: 'short', day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' }).format(clock);
  transcript.push(`\n\n=== ${when} — ${title}`);
}

const dmOf = (user: string) => `D${user.replace(/^U/, '')}`;
const whoOfChannel = (channel: string) => NAMES[`U${channel.slice(1)}`] ?? `#${channel}`;

async function main() {
  const prefix = uniquePrefix().replace(/^test-/, 'walk-');
  const connector = await startFakeBotConnector();
  let h: TestServer | null = null;
  let slackSeen = 0;
  let teamsSeen = 0;
  const checks: string[] = [];
  /** Who a response_url or trigger id belongs to. */
  const owners = new Map<string, string>();
  try {
    h = await startTestServer({
      store: 'pglite',
      directory: { yaml: DIRECTORY },
      env: { JOBS_IN_PROCESS: 'true', REDIS_URL, QUEUE_PREFIX: prefix },
      teams: { connector },
      answerer: 'server',
      now: () => clock,
    });
    const s = h;
    const fake = s.fake!;
    for (const [key, id] of Object.entries(SLACK)) fake.addUser({ id, name: key, email: `${key}@example.org`, team: TEAM });

    /** Print what Slack and Teams received since the last call. */
    const flush = () => {
      for (const c of fake.calls.slice(slackSeen)) {
        const a = c.args;
        if (c.method === 'chat.postMessage' || c.method === 'chat.postEphemeral') {
          const who = c.method === 'chat.postEphemeral' ? NAMES[a.user] : whoOfChannel(a.channel);
          show(who ?? a.channel, `Slack ${a.channel.startsWith('D') ? 'DM' : `#${a.channel}`}${a.thread_ts ? ' (thread)' : ''}${c.method === 'chat.postEphemeral' ? ' (only you can see this)' : ''}`, a.blocks ? renderBlocks(a.blocks) : [a.text], a);
        } else if (c.method === 'chat.update') {
          show(whoOfChannel(a.channel), `Slack DM — message ${a.ts} UPDATED in place`, renderBlocks(a.blocks), a);
        } else if (c.method.startsWith('response_url:')) {
          const who = owners.get(c.method.slice('response_url:'.length)) ?? '?';
          show(who, `Slack reply to the command${a.replace_original ? ' (replaces it)' : ''}${a.response_type === 'in_channel' ? '' : ' (only you can see this)'}`, a.blocks ? renderBlocks(a.blocks) : [a.text], a);
        } else if (c.method === 'views.open' || c.method === 'views.update' || c.method === 'views.publish') {
          const v = a.view;
          const who = owners.get(a.trigger_id) ?? (a.user_id ? NAMES[a.user_id] : '?');
          show(who ?? '?', `Slack ${c.method === 'views.publish' ? 'App Home' : 'modal'} (${c.method}) «${txt(v.title)}»${v.submit ? ` submit [${txt(v.submit)}]` : ''}${v.close ? ` close [${txt(v.close)}]` : ''}`, renderBlocks(v.blocks), a);
        } else if (c.method === 'files.completeUploadExternal') {
          show(a.channel_id ? whoOfChannel(a.channel_id) : '?', `Slack file${a.thread_ts ? ' in the thread' : ''}`, [`[file: ${(a.files ?? []).map((f: any) => f.title).join(', ')}]${a.initial_comment ? ` ${a.initial_comment}` : ''}`], a);
        }
      }
      slackSeen = fake.calls.length;
      for (const c of connector.calls.slice(teamsSeen)) {
        if (!['send', 'reply', 'update'].includes(c.kind) || c.status >= 300) continue;
        const b = c.body;
        if (b?.type === 'typing') continue;
        const lines: string[] = [];
        if (b.text) lines.push(b.text);
        for (const att of b.attachments ?? []) {
          if (att.contentType === 'application/vnd.microsoft.card.adaptive') lines.push(...renderCard(att.content));
          else lines.push(`[attachment ${att.contentType} ${att.name ?? ''}]`);
        }
        show('Sam', `Teams chat — ${c.kind === 'update' ? `card ${c.activityId} UPDATED in place` : 'new message'}`, lines, b);
      }
      teamsSeen = connector.calls.length;
    };

    const slashCommand = async (user: string, command: string, text: string) => {
      transcript.push(`\n>> ${NAMES[user]} types: ${command} ${text}`);
      const { responseId, triggerId } = await s.command(command, text, user);
      owners.set(responseId, NAMES[user]!);
      owners.set(triggerId, NAMES[user]!);
      await fake.waitFor((calls) => calls.some((c) => c.method === `response_url:${responseId}` || c.args.trigger_id === triggerId), 30_000);
      return { responseId, triggerId };
    };
    const dmText = async (user: string, text: string) => {
      transcript.push(`\n>> ${NAMES[user]} writes to the bot: ${text}`);
      const before = fake.callsTo('chat.postMessage').filter((c) => c.args.channel === dmOf(user)).length;
      await s.event({ type: 'message', channel_type: 'im', channel: dmOf(user), user, text, ts: newTs(), team: TEAM });
      await fake.waitFor(() => fake.callsTo('chat.postMessage').filter((c) => c.args.channel === dmOf(user)).length > before, 60_000);
    };
    const claimTs = async (kind: 'reminder' | 'nudge', email: string, week: string) => {
      const person = (await s.server.context.directory.findPersonByEmail(email))!;
      return (await new NotificationClaimsRepo((s.server.context as any).store.db).get({ kind, recipient: `person:${person.id}`, period: week }))?.messageId ?? null;
    };
    const userPayload = (user: string) => ({ id: user, username: NAMES[user]!.toLowerCase(), name: NAMES[user]!.toLowerCase(), team_id: TEAM });
    const clickSlack = async (user: string, button: any, message: { ts: string; channel: string }) => {
      transcript.push(`\n>> ${NAMES[user]} taps [${txt(button.text)}]${button.confirm ? ` → confirm «${txt(button.confirm.title)}: ${txt(button.confirm.text)}» [${txt(button.confirm.confirm)}]` : ''}`);
      const triggerId = newTriggerId();
      owners.set(triggerId, NAMES[user]!);
      await s.interaction(dmButtonClick({ user: userPayload(user), button, message, triggerId }));
      return triggerId;
    };
    const buttonsOf = (blocks: any[]) => blocks.flatMap((b: any) => (b.type === 'actions' ? b.elements : []));
    const submitModal = async (user: string, view: any, typed: Record<string, string>) => {
      transcript.push(`\n>> ${NAMES[user]} changes ${Object.entries(typed).map(([k, v]) => `${k}=${v}`).join(', ') || 'nothing'} and taps [${txt(view.submit)}]`);
      const values: Record<string, Record<string, unknown>> = {};
      for (const b of view.blocks as any[]) {
        if (b.type !== 'input') continue;
        const field = String(b.block_id).split('~')[0]!;
        const e = b.element;
        if (e.type === 'static_select') values[b.block_id] = { value: { type: e.type, selected_option: e.initial_option ?? null } };
        else if (e.type === 'datepicker') values[b.block_id] = { value: { type: e.type, selected_date: e.initial_date ?? null } };
        else values[b.block_id] = { value: { type: e.type, value: field in typed ? typed[field] : (e.initial_value ?? null) } };
      }
      const res = await s.interaction({
        type: 'view_submission',
        team: { id: TEAM, domain: 'camden' },
        user: userPayload(user),
        api_app_id: 'A0CAMDEN01',
        token: 'legacy',
        trigger_id: newTriggerId(),
        view: { ...view, id: `V0WALK${Date.now() % 100000}`, team_id: TEAM, hash: 'h', state: { values } },
        response_urls: [],
        is_enterprise_install: false,
      });
      if (res.json?.response_action === 'update' || res.json?.response_action === 'push') {
        show(NAMES[user]!, `Slack modal after submit (response_action ${res.json.response_action}) «${txt(res.json.view.title)}»${res.json.view.close ? ` close [${txt(res.json.view.close)}]` : ''}`, renderBlocks(res.json.view.blocks), res.json);
      } else if (res.json?.response_action === 'errors') {
        show(NAMES[user]!, 'Slack modal errors beside the boxes', Object.entries(res.json.errors).map(([k, v]) => `${k}: ${v}`), res.json);
      } else show(NAMES[user]!, 'Slack modal closes', [], res.json ?? res.text);
    };

    const teamsActivity = (extra: Record<string, unknown>) => ({
      type: 'message',
      id: `in-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`,
      timestamp: new Date().toISOString(),
      serviceUrl: connector.serviceUrl,
      channelId: 'msteams',
      from: { id: `29:${SAM.aadObjectId}`, name: SAM.name, aadObjectId: SAM.aadObjectId },
      recipient: { id: '28:camden-bot', name: 'Camden' },
      conversation: { id: 'a:personal-sam', conversationType: 'personal', tenantId: TENANT, isGroup: false },
      channelData: { tenant: { id: TENANT } },
      locale: 'en-GB',
      ...extra,
    });
    const teamsPost = async (what: string, extra: Record<string, unknown>) => {
      transcript.push(`\n>> Sam ${what}`);
      const res = await s.teamsPost(teamsActivity(extra));
      if (res.status >= 300) transcript.push(`   (HTTP ${res.status} ${res.body})`);
    };
    const lastTeams = (pred: (c: any) => boolean) => connector.calls.filter((c) => ['send', 'reply', 'update'].includes(c.kind) && c.body?.type !== 'typing' && pred(c)).at(-1);
    const teamsCardOf = (c: any) => c.body.attachments?.[0]?.content;
    const allActions = (card: any): any[] => {
      const out: any[] = [...(card.actions ?? [])];
      const walk = (items: any[] = []) => {
        for (const e of items) {
          if (e.type === 'ActionSet') out.push(...e.actions);
          walk(e.items);
          for (const c of e.columns ?? []) walk(c.items);
        }
      };
      walk(card.body);
      return out;
    };
    const teamsSubmit = async (what: string, card: any, action: any, replyToId: string, typed: Record<string, string> = {}) => {
      const value: Record<string, unknown> = { ...action.data };
      const inputs = (items: any[] = []): void => {
        for (const e of items) {
          if (String(e.type).startsWith('Input.')) value[e.id] = e.id in typed ? typed[e.id] : e.value === undefined ? '' : String(e.value);
          inputs(e.items);
          for (const c of e.columns ?? []) inputs(c.items);
        }
      };
      inputs(card.body);
      await teamsPost(what, { value, replyToId, text: undefined });
    };
    const runFromChat = async (job: string) => {
      await dmText(SLACK.alex, `admin run ${job}`);
      await s.server.reminderReceipts.idle();
    };

    // Wednesday: Sam's IT lead installs the app for him in Teams.
    step('Sam gets the bot in Teams (app installed, bot added to his chat)');
    await teamsPost('installs the app', { type: 'conversationUpdate', membersAdded: [{ id: '28:camden-bot' }, { id: `29:${SAM.aadObjectId}` }] });
    await connector.waitFor(() => lastTeams(() => true) !== undefined, 'welcome');
    flush();

    // Friday 4 Dec, 14:00: the reminder, run from chat by the admin at the scheduled time.
    clock = new Date('2026-12-04T14:00:30Z');
    step("Friday's reminder (admin run reminder, as the schedule would at 14:00)");
    await runFromChat('reminder');
    flush();

    const week = '2026-11-30';
    // Priya opens the form from the reminder's first button.
    clock = new Date('2026-12-04T14:20:00Z');
    step('Priya opens the form from the reminder and sends Camden Career Club');
    const priyaReminderTs = (await claimTs('reminder', 'priya.shah@example.org', week))!;
    const priyaReminder = fake.callsTo('chat.postMessage').find((c) => c.args.channel === dmOf(SLACK.priya))!;
    let trigger = await clickSlack(SLACK.priya, buttonsOf(priyaReminder.args.blocks)[0], { ts: priyaReminderTs, channel: dmOf(SLACK.priya) });
    await fake.waitFor(() => fake.callsTo('views.open').some((c) => c.args.trigger_id === trigger));
    flush();
    let view = fake.callsTo('views.open').find((c) => c.args.trigger_id === trigger)!.args.view;
    await submitModal(SLACK.priya, view, { sessions: '4', academic: '2', enrichment: '2', attendances: '50', pupils: '20', fsm: '9', send: '3', note: 'Two sessions at the library' });
    await fake.waitFor(() => fake.callsTo('chat.postMessage').filter((c) => c.args.channel === dmOf(SLACK.priya)).length >= 2);
    await s.server.reminderReceipts.idle();
    flush();

    clock = new Date('2026-12-04T15:00:00Z');
    step('Priya amends one figure with the quick form');
    await slashCommand(SLACK.priya, '/attendance', 'centre camden-career-club pupils 22');
    await s.server.reminderReceipts.idle();
    flush();

    step('Priya marks London AI Campus closed from the updated reminder');
    const lastUpdate = fake.callsTo('chat.update').filter((c) => c.args.channel === dmOf(SLACK.priya)).at(-1)!;
    const closedButton = buttonsOf(lastUpdate.args.blocks).find((b: any) => String(b.action_id).startsWith('mark_week_closed'));
    const before = fake.callsTo('chat.postMessage').filter((c) => c.args.channel === dmOf(SLACK.priya)).length;
    await clickSlack(SLACK.priya, closedButton, { ts: priyaReminderTs, channel: dmOf(SLACK.priya) });
    await fake.waitFor(() => fake.callsTo('chat.postMessage').filter((c) => c.args.channel === dmOf(SLACK.priya)).length > before);
    await s.server.reminderReceipts.idle();
    flush();

    // Sam on Teams: the reminder card's button, then the card, then an amendment.
    clock = new Date('2026-12-04T16:00:00Z');
    step('Sam opens the form from the Teams reminder card and sends');
    const samReminder = lastTeams((c) => c.kind === 'send' && JSON.stringify(c.body).includes('Weekly attendance return due'))!;
    const openAction = allActions(teamsCardOf(samReminder)).find((a) => JSON.stringify(a.data ?? {}).includes('open_attendance_form'));
    let sent = connector.calls.length;
    await teamsSubmit(`taps [${openAction.title}]`, teamsCardOf(samReminder), openAction, samReminder.id!);
    await connector.waitFor((calls) => calls.slice(sent).some((c) => c.kind !== 'other' && c.body?.attachments), 'form card');
    flush();
    let formCall = connector.calls.slice(sent).filter((c) => c.body?.attachments).at(-1)!;
    let form = teamsCardOf(formCall);
    let submit = allActions(form).find((a) => a.data?.verb === 'attendance_submit');
    const typedSam = { sessions: '6', academic: '4', enrichment: '2', weekend: '1', attendances: '120', pupils: '45', fsm: '30', send: '8', parents: '3', note: 'Rain all week' };
    sent = connector.calls.length;
    await teamsSubmit(`fills in ${Object.entries(typedSam).map(([k, v]) => `${k}=${v}`).join(', ')} and taps [${submit.title}]`, form, submit, formCall.id ?? formCall.activityId!, typedSam);
    await connector.waitFor((calls) => calls.slice(sent).some((c) => c.kind === 'update' || c.kind === 'reply' || c.kind === 'send'), 'receipt');
    await s.server.reminderReceipts.idle();
    flush();

    clock = new Date('2026-12-05T09:30:00Z');
    step('Saturday: Sam amends one figure — quick form in Teams, then the card');
    await teamsPost('writes: attendance pupils 47', { text: 'attendance pupils 47', textFormat: 'plain' });
    await s.server.reminderReceipts.idle();
    flush();
    sent = connector.calls.length;
    await teamsPost('writes: attendance', { text: 'attendance', textFormat: 'plain' });
    await connector.waitFor((calls) => calls.slice(sent).some((c) => c.body?.attachments), 'form card');
    flush();
    formCall = connector.calls.slice(sent).filter((c) => c.body?.attachments).at(-1)!;
    form = teamsCardOf(formCall);
    submit = allActions(form).find((a) => a.data?.verb === 'attendance_submit');
    sent = connector.calls.length;
    await teamsSubmit('changes fsm=31 and taps [' + submit.title + ']', form, submit, formCall.id!, { fsm: '31' });
    await connector.waitFor((calls) => calls.slice(sent).some((c) => c.kind === 'update' || c.kind === 'reply' || c.kind === 'send'), 'receipt');
    await s.server.reminderReceipts.idle();
    flush();

    step('Priya types a quick form without naming the centre, then checks status and App Home');
    await slashCommand(SLACK.priya, '/attendance', 'sessions 2 academic 2 attendances 10 pupils 5');
    flush();
    await slashCommand(SLACK.priya, '/attendance', 'status');
    flush();
    transcript.push('\n>> Priya opens the bot\'s Home tab');
    await s.event({ type: 'app_home_opened', user: SLACK.priya, channel: dmOf(SLACK.priya), tab: 'home', event_ts: newTs() });
    await fake.waitFor((calls) => calls.some((c) => c.method === 'views.publish' && c.args.user_id === SLACK.priya), 30_000);
    flush();

    // Monday 7 Dec 10:00: the nudge goes to Dev only.
    clock = new Date('2026-12-07T10:00:30Z');
    step("Monday's nudge (admin run nudge)");
    const teamsBefore = connector.calls.length;
    await runFromChat('nudge');
    flush();
    // Only Dev, whose return is missing, is nudged: not the leads who sent theirs or marked the week closed.
    const nudged = fake.callsTo('chat.postMessage').filter((c) => JSON.stringify(c.args.blocks ?? '').includes('Attendance return still missing')).map((c) => c.args.channel);
    if (nudged.join() !== dmOf(SLACK.dev) || connector.calls.slice(teamsBefore).some((c) => JSON.stringify(c.body ?? '').includes('still missing'))) {
      checks.push(`the nudge went to ${nudged.join(', ')} (and Teams?), expected only Dev`);
    }

    clock = new Date('2026-12-07T16:00:30Z');
    step("Monday's digest (admin run digest) to the channel and the network lead");
    await runFromChat('digest');
    flush();

    clock = new Date('2026-12-08T08:30:00Z');
    step('Tuesday: Nia asks for the digest on demand');
    await slashCommand(SLACK.nia, '/digest', '');
    await fake.waitFor((calls) => calls.some((c) => c.method === 'files.completeUploadExternal' && c.args.channel_id === dmOf(SLACK.nia)), 30_000).catch(() => undefined);
    flush();

    // Each reminder went out once per lead.
    for (const [who, channel] of [['Priya', dmOf(SLACK.priya)], ['Dev', dmOf(SLACK.dev)]] as const) {
      const n = fake.callsTo('chat.postMessage').filter((c) => c.args.channel === channel && JSON.stringify(c.args.blocks ?? '').includes('Weekly attendance return due')).length;
      if (n !== 1) checks.push(`${who} got ${n} reminders`);
    }
    if (connector.calls.filter((c) => c.kind === 'send' && JSON.stringify(c.body ?? '').includes('Weekly attendance return due')).length !== 1) checks.push('Sam did not get exactly one reminder');
    const refused = [...fake.refused.map((r) => `Slack ${r.method}: ${r.error} ${r.problems.join('; ')}`), ...connector.refused.map((r) => `Teams ${r.kind}: ${r.problems.join('; ')}`)];
    transcript.push(`\n\nRefused by the fakes: ${refused.length ? refused.join('\n') : 'none'}`);
    transcript.push(`Checks (one reminder each, the nudge only to the lead still missing): ${checks.length ? checks.join('; ') : 'passed'}`);
    fake.refused.length = 0;
    (connector.refused as unknown[]).length = 0;
    console.log(transcript.join('\n'));
    if (process.env.WALK_JSON) writeFileSync(process.env.WALK_JSON, JSON.stringify(raw, null, 2));
    if (refused.length || checks.length) process.exitCode = 1;
  } catch (err) {
    console.log(transcript.join('\n'));
    throw err;
  } finally {
    await h?.close();
    await connector.close().catch(() => undefined);
    await deletePrefix(prefix);
  }
}

await main();
