import type { Actor, Role } from '../directory/types.js';
import { commandText } from '../shared/commands.js';
import type { Platform } from '../shared/platform.js';
import type { Reply, ReplyBlock } from '../shared/reply.js';
import { ADMIN_COMMANDS } from './admin-commands.js';

export function hasRole(actor: Actor, role: Role): boolean {
  return !!actor.person?.roles.includes(role);
}

const QUICK_EXAMPLE = 'sessions 6 academic 4 enrichment 2 attendances 120 pupils 45 fsm 30 send 8 parents 3';

/** What may be done, written once as command words; each platform shows them as its people type them. */
const ENTRIES: { words: string; what: string; who(actor: Actor): boolean; only?: Platform }[] = [
  { words: 'attendance', what: 'open the weekly return form for your Opportunity Centre.', who: isLead },
  {
    words: `attendance ${QUICK_EXAMPLE}`,
    what: 'submit at once (add week YYYY-MM-DD, centre <id> or note "..." if needed).',
    who: isLead,
  },
  { words: 'attendance status', what: 'which recent returns are in or missing.', who: isLead },
  {
    words: 'attendance closed',
    what: 'no sessions this week (holiday, closure): records the week closed (add week YYYY-MM-DD or note "..." if needed).',
    who: isLead,
  },
  { words: 'digest', what: 'the latest weekly digest across the network (digest week YYYY-MM-DD for another week).', who: (a) => hasRole(a, 'network_lead') || hasRole(a, 'admin') },
  ...Object.values(ADMIN_COMMANDS).map((c) => ({ words: c.usage, what: c.what, who: (a: Actor) => hasRole(a, 'admin'), only: c.only })),
  {
    words: 'post digests here',
    what: 'said in a channel with me @mentioned: the weekly digest is posted there too ("stop posting digests here" to stop).',
    who: (a: Actor) => hasRole(a, 'admin'),
  },
];

function isLead(actor: Actor): boolean {
  return hasRole(actor, 'oc_lead') || hasRole(actor, 'admin');
}

function askLine(platform: Platform): string {
  const what = "answers from Camden's strategy documents (post-16 pathways, CPD, SEND), with sources.";
  return platform === 'slack'
    ? `${commandText(platform, 'ask <question>')}: ${what} You can also message me directly or @mention me in a channel.`
    : `Type any question: ${what} In a channel or group chat, @mention me.`;
}

/** What this person can do, as lines of plain text in their platform's words (help, App Home, the Teams welcome). */
export function capabilityLines(actor: Actor): string[] {
  const platform = actor.identity.platform;
  return [
    askLine(platform),
    ...ENTRIES.filter((e) => e.who(actor) && (!e.only || e.only === platform)).map((e) => `${commandText(platform, e.words)}: ${e.what}`),
  ];
}

/** The lines for one command's words (e.g. every "attendance …" entry), in the person's platform words. */
export function commandLines(actor: Actor, command: string): string[] {
  const platform = actor.identity.platform;
  return ENTRIES.filter((e) => e.who(actor) && (!e.only || e.only === platform) && (e.words === command || e.words.startsWith(`${command} `))).map((e) => `${commandText(platform, e.words)}: ${e.what}`);
}

export const REGISTER_HINT =
  'Opportunity Centre leads: ask an admin of this bot to add you, in a chat with the bot: "admin register <your work email> oc_lead <centre>". You are recognised by your work email, nothing else is needed.';

export function helpReply(actor: Actor): Reply {
  const lines = capabilityLines(actor);
  const blocks: ReplyBlock[] = [{ kind: 'heading', text: 'What I can do for you' }, ...lines.map((text) => ({ kind: 'paragraph' as const, text }))];
  if (!actor.person) blocks.push({ kind: 'notice', tone: 'info', text: REGISTER_HINT });
  return { text: lines.join('\n'), blocks };
}

/** Where attendance and the digest are handled when asked for in a channel, in the platform's words. */
export function privateOnlyText(platform: Platform): string {
  const how =
    platform === 'slack'
      ? `use ${commandText(platform, 'attendance')} (only you see the reply) or message me directly`
      : 'open a personal chat with me and type "attendance"';
  return `Attendance returns and the digest are handled privately, so figures are not shown to the whole channel: ${how}.`;
}
