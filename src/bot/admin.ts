import type { DirectoryListing, RegisterInput, RegisterResult, RemoveInput, RemoveResult } from '../directory/admin.js';
import { roleWords } from '../directory/admin.js';
import type { Centre, Person, PlatformIdentity } from '../directory/types.js';
import { NotAuthorisedError, ValidationError } from '../errors.js';
import { formatDate } from '../digest/dates.js';
import { weekStartOf } from '../shared/calendar.js';
import type { Platform } from '../shared/platform.js';
import type { Reply, ReplyBlock } from '../shared/reply.js';
import type { LinkOutcome } from '../store/directory-repo.js';
import type { DigestChannel } from '../store/directory-repo.js';
import type { AdminCommand, RunnableJob } from './admin-commands.js';
import { notice } from './error-reply.js';
import type { Inbound } from './inbound.js';

/** What admins change from chat (src/directory/admin.ts's DirectoryAdmin); rights are checked there. */
export interface AdminPort {
  /** The admin themself; NotAuthorisedError for anyone else. */
  authorise(by: Person | null): Person;
  find(email: string, by: Person | null): Promise<Person | null>;
  list(by: Person | null, centreId?: string | null): Promise<DirectoryListing>;
  register(input: RegisterInput, by: Person | null): Promise<RegisterResult>;
  remove(input: RemoveInput, by: Person | null): Promise<RemoveResult>;
  pause(centreId: string, until: string, by: Person | null): Promise<Centre>;
  resume(centreId: string, by: Person | null): Promise<{ centre: Centre; wasPausedUntil: string | null }>;
  link(person: Person, identity: PlatformIdentity, by: Person | null): Promise<LinkOutcome>;
  addDigestChannel(platform: Platform, channelId: string, name: string | null, by: Person | null): Promise<boolean>;
  removeDigestChannel(platform: Platform, channelId: string, by: Person | null): Promise<boolean>;
}

/** Whether the bot can post in a channel: ok null when it cannot tell (e.g. a scope to read channels is missing). */
export interface ChannelCheck {
  ok: boolean | null;
  name?: string | null;
  /** What is wrong, and what to do about it, in words for an admin. */
  problem?: string;
  fix?: string;
}

/** One platform's own directory of accounts (Slack's users.lookupByEmail), for linking people when an admin registers them. */
export interface AccountDirectory {
  readonly platform: Platform;
  findByEmail(email: string): Promise<
    | { status: 'found'; identity: PlatformIdentity; name: string | null }
    | { status: 'not-found' }
    | { status: 'error'; message: string }
  >;
  /** Whether the bot can post in this channel (digest channels). */
  checkChannel?(channelId: string): Promise<ChannelCheck>;
}

/** How one recipient of a run fared. */
export interface RunEntry {
  /** A person's name, or a channel ("Slack channel C0DIGEST1"). */
  recipient: string;
  /** Platform it went out on, when sent. */
  platform?: string;
  /** Why it was not sent, for `failed` and `skipped`. */
  reason?: string;
}

/** What `admin run` did: the same sends the schedule would make, each at most once per recipient and week. */
export interface RunReport {
  job: RunnableJob;
  /** Monday of the week the messages are about. */
  period: string;
  /** Sent by this run. */
  sent: RunEntry[];
  /** Had already been sent (by the schedule or an earlier run), or tried and given up on: not sent again. */
  already: RunEntry[];
  /** Could not be sent now (no chat account to reach them, the platform refused). */
  failed: RunEntry[];
  /** Not needed any more when it came to sending (e.g. the return arrived). */
  skipped: RunEntry[];
  /** Still queued when the bot stopped waiting; they go out shortly. */
  pending: RunEntry[];
}

/** The schedule's sends, now (jobs/): BullMQ fan-out and the notification claims. */
export interface NotificationsPort {
  runNow(job: RunnableJob, week: string | null): Promise<RunReport>;
}

export interface AdminDeps {
  admin?: AdminPort;
  /** Chat platforms whose accounts can be found by email (filled in once the adapters exist). */
  accounts?: readonly AccountDirectory[];
  notifications?: NotificationsPort;
}

const PLATFORM_NAME: Record<Platform, string> = { slack: 'Slack', teams: 'Teams' };

function requirePort<T>(port: T | undefined, what: string): T {
  if (!port) throw new NotAuthorisedError(`${what} is not available on this server.`);
  return port;
}

export function requireAdminPort(deps: AdminDeps): AdminPort {
  return requirePort(deps.admin, 'Administration from chat');
}

/** "Slack: yes" / "Teams: not linked yet": whether the bot can message the person there. */
export function reachability(person: Person): { slack: string; teams: string } {
  const teams = person.teams;
  return {
    slack: person.slack ? 'yes' : 'not linked yet',
    teams: !teams
      ? 'not linked yet'
      : !teams.conversationReference
        ? 'linked; no chat with the bot yet'
        : teams.reachable === false
          ? 'app removed or blocked'
          : 'yes',
  };
}

function listReply(listing: DirectoryListing, centreId: string | null): Reply {
  const { people, centres, digestChannels } = listing;
  const centreName = (id: string) => centres.find((c) => c.id === id)?.name ?? id;
  const blocks: ReplyBlock[] = [{ kind: 'heading', text: centreId ? `${centres[0]?.name ?? centreId}: people` : 'Directory: people' }];
  if (!people.length) blocks.push({ kind: 'paragraph', text: centreId ? 'No one leads this centre yet.' : 'No one is in the directory yet.' });
  else {
    blocks.push({
      kind: 'table',
      columns: ['Name', 'Email', 'Roles', 'Centres', 'Slack', 'Teams'],
      rows: people.map((p) => {
        const r = reachability(p);
        return [p.name, p.email, p.roles.join(', ') || '(none)', p.centres.join(', ') || '-', r.slack, r.teams];
      }),
    });
    const unreachable = people.filter((p) => !p.slack && !(p.teams?.conversationReference && p.teams.reachable !== false));
    if (unreachable.length) {
      blocks.push({
        kind: 'notice',
        tone: 'info',
        text:
          `${unreachable.length} of ${people.length} cannot be messaged yet (${unreachable.map((p) => p.name).join(', ')}). ` +
          'They are linked by their email when they first message the bot in Slack or Teams, or when the Teams app is installed for them.',
      });
    }
  }
  if (!centreId) {
    blocks.push({ kind: 'heading', text: 'Centres' });
    blocks.push({
      kind: 'table',
      columns: ['Centre', 'Id', 'Leads', 'Reminders'],
      rows: centres.map((c) => [
        c.name,
        c.id,
        String(people.filter((p) => p.centres.includes(c.id)).length),
        !c.active ? 'closed' : c.remindersPausedUntil ? `paused until ${formatDate(c.remindersPausedUntil)}` : 'on',
      ]),
    });
    const active = digestChannels.filter((d) => !d.removedAt);
    blocks.push({
      kind: 'paragraph',
      text: active.length
        ? `Digest channels: ${active.map((d) => `${PLATFORM_NAME[d.platform]} ${d.name ? `#${d.name}` : d.channelId}${d.source === 'chat' ? ' (added in chat)' : ''}`).join('; ')}.`
        : 'Digest channels: none (network leads get the digest privately).',
    });
  } else {
    const c = centres[0];
    if (c) blocks.push({ kind: 'paragraph', text: `Reminders: ${!c.active ? 'closed' : c.remindersPausedUntil ? `paused until ${formatDate(c.remindersPausedUntil)}` : 'on'}.` });
  }
  const summary = `${people.length} ${people.length === 1 ? 'person' : 'people'}${centreId ? ` at ${centreName(centreId)}` : ''}.`;
  return { text: summary, blocks };
}

function linkLine(platform: Platform, outcome: LinkOutcome | 'not-found' | 'error', detail?: string): string {
  const name = PLATFORM_NAME[platform];
  switch (outcome) {
    case 'linked':
      return `${name}: linked to their account (found by email).`;
    case 'already':
      return `${name}: already linked.`;
    case 'taken':
      return `${name}: the account with this email is already linked to someone else in the directory; not linked.`;
    case 'has-other':
      return `${name}: already linked to another account.`;
    case 'not-found':
      return `${name}: no account with this email in the workspace yet; they are linked when they first message the bot.`;
    case 'error':
      return `${name}: could not look the email up (${detail ?? 'unknown error'}); they are linked when they first message the bot.`;
  }
}

/** "Sam Okafor, Priya Shah and 3 others". */
function names(entries: readonly RunEntry[], max = 8): string {
  const shown = entries.slice(0, max).map((e) => `${e.recipient}${e.platform ? ` (${PLATFORM_NAME[e.platform as Platform] ?? e.platform})` : ''}${e.reason ? `: ${e.reason}` : ''}`);
  return entries.length > max ? `${shown.join('; ')} and ${entries.length - max} more` : shown.join('; ');
}

const JOB_WORDS: Record<RunnableJob, { one: string; many: string }> = {
  reminder: { one: 'reminder', many: 'reminders' },
  nudge: { one: 'nudge', many: 'nudges' },
  digest: { one: 'digest', many: 'digests' },
};

function runReply(r: RunReport): Reply {
  const w = JOB_WORDS[r.job];
  const week = `the week of ${formatDate(r.period)}`;
  const blocks: ReplyBlock[] = [];
  const lines: string[] = [];
  if (r.sent.length) {
    const t = `Sent ${r.sent.length} ${r.sent.length === 1 ? w.one : w.many} for ${week}: ${names(r.sent)}.`;
    blocks.push({ kind: 'notice', tone: 'success', text: t });
    lines.push(t);
  } else {
    const nobody = !r.already.length && !r.failed.length && !r.skipped.length && !r.pending.length;
    const t = nobody
      ? `Nothing to send for ${week}: ${r.job === 'digest' ? 'there are no network leads or digest channels' : 'no centre is missing a return (or their reminders are paused)'}.`
      : `Nothing new was sent for ${week}.`;
    blocks.push({ kind: 'notice', tone: 'info', text: t });
    lines.push(t);
  }
  const add = (tone: 'info' | 'warning', text: string) => {
    blocks.push({ kind: 'notice', tone, text });
    lines.push(text);
  };
  if (r.already.length) add('info', `Already sent for ${week}, so not sent again: ${names(r.already)}.`);
  if (r.skipped.length) add('info', `Not needed any more: ${names(r.skipped)}.`);
  if (r.pending.length) add('info', `Still on their way (queued): ${names(r.pending)}.`);
  if (r.failed.length) add('warning', `Could not be sent: ${names(r.failed)}.`);
  return { text: lines.join(' '), blocks };
}

/**
 * A channel as typed after "digest-channel add|remove": "#name" picked from the platform's list (the adapter hands
 * its id over in `inbound.channels`), or a raw Slack channel id.
 */
function channelOf(typed: string, inbound: Inbound): { id: string; name: string | null } {
  const bare = typed.replace(/^#/, '');
  const mentioned = (inbound.channels ?? []).find((c) => c.id === bare || (c.name && c.name.toLowerCase() === bare.toLowerCase()));
  if (mentioned) return { id: mentioned.id, name: mentioned.name };
  if (/^[CG][A-Z0-9]{6,}$/.test(bare)) return { id: bare, name: null };
  throw new ValidationError([
    {
      field: 'channel',
      message: `I could not tell which channel "${typed}" is. Pick it from the list Slack shows as you type #, or @mention me in the channel and write "post digests here".`,
    },
  ]);
}

type Handler<K extends AdminCommand['kind']> = (admin: Person, cmd: Extract<AdminCommand, { kind: K }>, inbound: Inbound) => Promise<Reply>;

/** One handler per admin command; adding a command to admin-commands.ts makes the compiler ask for its handler here. */
export function adminHandlers(deps: AdminDeps): { [K in AdminCommand['kind']]: Handler<K> } {
  const port = () => requirePort(deps.admin, 'Administration from chat');

  async function linkAccounts(person: Person, admin: Person, found: Map<Platform, Awaited<ReturnType<AccountDirectory['findByEmail']>>>): Promise<string[]> {
    const lines: string[] = [];
    for (const [platform, result] of found) {
      if (result.status === 'found') lines.push(linkLine(platform, await port().link(person, result.identity, admin)));
      else if (result.status === 'not-found') lines.push(linkLine(platform, 'not-found'));
      else lines.push(linkLine(platform, 'error', result.message));
    }
    return lines;
  }

  async function digestChannel(admin: Person, platform: Platform, action: 'add' | 'remove', channel: { id: string; name: string | null }, where: string): Promise<Reply> {
    if (action === 'remove') {
      const removed = await port().removeDigestChannel(platform, channel.id, admin);
      return notice(removed ? 'success' : 'info', removed ? `The weekly digest will no longer be posted ${where}.` : `The weekly digest is not posted ${where}; nothing to change.`);
    }
    const check = await deps.accounts?.find((a) => a.platform === platform)?.checkChannel?.(channel.id);
    const added = await port().addDigestChannel(platform, channel.id, channel.name ?? check?.name ?? null, admin);
    const head = added ? `The weekly digest will be posted ${where} every week from now on.` : `The weekly digest is already posted ${where}.`;
    if (check?.ok === false) {
      const text = `${head} But I cannot post there yet: ${check.problem ?? 'the platform refuses'}.${check.fix ? ` ${check.fix}` : ''}`;
      return notice('warning', text);
    }
    return notice(added ? 'success' : 'info', head);
  }

  return {
    async 'admin-list'(admin, cmd) {
      return listReply(await port().list(admin, cmd.centreId), cmd.centreId);
    },

    async 'admin-register'(admin, cmd) {
      const existing = await port().find(cmd.email, admin);
      // Each platform that can find people by email is asked about those not linked there yet.
      const found = new Map<Platform, Awaited<ReturnType<AccountDirectory['findByEmail']>>>();
      for (const a of deps.accounts ?? []) {
        if (existing && (a.platform === 'slack' ? existing.slack : existing.teams)) continue;
        found.set(a.platform, await a.findByEmail(cmd.email).catch((err: unknown) => ({ status: 'error' as const, message: (err as Error).message })));
      }
      const slackName = [...found.values()].find((f) => f.status === 'found' && f.name);
      const result = await port().register(
        { email: cmd.email, role: cmd.role, centreIds: cmd.centreIds, name: cmd.name, nameHint: slackName?.status === 'found' ? slackName.name : null },
        admin,
      );
      const p = result.person;
      const who = `${p.name} (${p.email})`;
      const blocks: ReplyBlock[] = [
        result.changes.length
          ? { kind: 'notice', tone: 'success', text: `${who}: ${result.changes.join('; ')}.` }
          : { kind: 'notice', tone: 'info', text: `Nothing to change: ${who} already has the role ${roleWords(cmd.role)}${cmd.centreIds.length ? ` for ${cmd.centreIds.join(', ')}` : ''}.` },
        { kind: 'fields', fields: [
          { label: 'Roles', value: p.roles.map(roleWords).join(', ') || '(none)' },
          ...(p.centres.length ? [{ label: 'Centres', value: p.centres.join(', ') }] : []),
        ] },
      ];
      const links = await linkAccounts(p, admin, found);
      if (!p.teams && !deps.accounts?.some((a) => a.platform === 'teams')) {
        links.push('Teams: linked by their email when they first message the bot there, or when the app is installed for them.');
      }
      for (const line of links) blocks.push({ kind: 'paragraph', text: line });
      if (result.created && !cmd.name) {
        blocks.push({ kind: 'paragraph', text: `Name "${p.name}" was taken from ${slackName ? 'Slack' : 'the email'}; to correct it: admin register ${p.email} ${cmd.role}${cmd.centreIds.length ? ` ${cmd.centreIds.join(' ')}` : ''} name "First Last".` });
      }
      return { text: `${(blocks[0] as { text: string }).text} ${links.join(' ')}`.trim(), blocks };
    },

    async 'admin-remove'(admin, cmd) {
      const { person, changes } = await port().remove({ email: cmd.email, role: cmd.role, centreId: cmd.centreId }, admin);
      if (!changes.length) return notice('info', `Nothing to change: ${person.name} (${person.email}) does not have the role ${roleWords(cmd.role)}.`);
      const now = person.roles.length ? `Roles now: ${person.roles.map(roleWords).join(', ')}${person.centres.length ? `; centres: ${person.centres.join(', ')}` : ''}.` : 'They have no role now (plain staff: they may still ask questions).';
      return notice('success', `${person.name} (${person.email}): ${changes.join('; ')}. ${now}`);
    },

    async 'admin-pause'(admin, cmd) {
      const centre = await port().pause(cmd.centreId, cmd.until, admin);
      return notice('success', `Reminders for ${centre.name} are paused until ${formatDate(centre.remindersPausedUntil ?? cmd.until)} (inclusive). To start them again sooner: admin resume ${centre.id}.`);
    },

    async 'admin-resume'(admin, cmd) {
      const { centre, wasPausedUntil } = await port().resume(cmd.centreId, admin);
      return wasPausedUntil
        ? notice('success', `Reminders for ${centre.name} are on again (they had been paused until ${formatDate(wasPausedUntil)}).`)
        : notice('info', `Reminders for ${centre.name} were not paused; nothing to change.`);
    },

    async 'admin-run'(_admin, cmd) {
      const run = requirePort(deps.notifications, 'Sending reminders and digests now');
      return runReply(await run.runNow(cmd.job, cmd.week ? weekStartOf(cmd.week) : null));
    },

    async 'admin-digest-channel'(admin, cmd, inbound) {
      const platform = inbound.identity.platform;
      if (platform === 'teams') {
        return notice('info', 'In Teams, go to the channel, @mention me and write "post digests here" (or "stop posting digests here").');
      }
      const channel = channelOf(cmd.channel, inbound);
      return digestChannel(admin, platform, cmd.action, channel, `in ${channel.name ? `#${channel.name}` : channel.id}`);
    },

    async 'admin-digest-here'(admin, cmd, inbound) {
      if (inbound.surface !== 'mention' || !inbound.conversationId) {
        return notice('info', 'Say this in the channel the digest should go to, with me @mentioned: "@Camden staff bot post digests here".');
      }
      return digestChannel(admin, inbound.identity.platform, cmd.action, { id: inbound.conversationId, name: inbound.conversationName ?? null }, 'in this channel');
    },
  };
}
