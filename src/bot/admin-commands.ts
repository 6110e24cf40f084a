import type { Role } from '../directory/types.js';
import { ValidationError, type FieldProblem } from '../errors.js';
import { isIsoDate } from '../shared/calendar.js';

/** A scheduled message an admin can send now. */
export type RunnableJob = 'reminder' | 'nudge' | 'digest';

/**
 * Admin commands ("admin register …", also typed as "/attendance admin …" in Slack). To add one: a member of this
 * union, an entry in ADMIN_COMMANDS (its words and parser), and its handler in admin.ts's handlers (the compiler
 * asks for it). Neither adapter changes: they hand the text to the core.
 */
export type AdminCommand =
  | { kind: 'admin-list'; centreId: string | null }
  | { kind: 'admin-register'; email: string; role: Role; centreIds: string[]; name: string | null }
  | { kind: 'admin-remove'; email: string; role: Role; centreId: string | null }
  | { kind: 'admin-pause'; centreId: string; until: string }
  | { kind: 'admin-resume'; centreId: string }
  | { kind: 'admin-run'; job: RunnableJob; week: string | null }
  /** `channel`: as typed after add/remove ("#name" for a channel picked from the platform's list, or a raw id). */
  | { kind: 'admin-digest-channel'; action: 'add' | 'remove'; channel: string }
  /** "post digests here" / "stop posting digests here", said in the channel itself. */
  | { kind: 'admin-digest-here'; action: 'add' | 'remove' };

interface AdminSpec {
  /** How it is typed, for the usage message and help. */
  usage: string;
  /** What it does, for help. */
  what: string;
  /** Parses the words after the subcommand; throws ValidationError naming each problem. */
  parse(args: string[]): AdminCommand;
  /** Shown in help on this platform only (Teams has no channel picker in chat: "post digests here" instead). */
  only?: 'slack' | 'teams';
}

const ROLES: readonly Role[] = ['oc_lead', 'network_lead', 'admin'];
const ROLE_ALIASES: Record<string, Role> = {
  lead: 'oc_lead',
  'oc-lead': 'oc_lead',
  'centre-lead': 'oc_lead',
  'network-lead': 'network_lead',
  network: 'network_lead',
};
const EMAIL = /^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/;
const SLUG = /^[a-z0-9]+(-[a-z0-9]+)*$/;
const JOBS: readonly RunnableJob[] = ['reminder', 'nudge', 'digest'];

function fail(problems: FieldProblem[]): void {
  if (problems.length) throw new ValidationError(problems);
}

/**
 * Words of a command line; a quoted part ("…", “…” as phones type them, or '…') is one word without its quotes.
 * "mailto:" links some clients make of an email are reduced to the address.
 */
export function commandWords(text: string): string[] {
  const out: string[] = [];
  const re = /"([^"]*)"|“([^”]*)”|'([^']*)'|(\S+)/g;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const quoted = m[1] ?? m[2] ?? m[3];
    out.push(quoted !== undefined ? quoted : m[4]!.replace(/^mailto:/i, ''));
  }
  return out;
}

function emailProblem(email: string | undefined): FieldProblem | null {
  if (email && EMAIL.test(email)) return null;
  return { field: 'email', message: `email must be an address like name@example.org${email ? `, got "${email}"` : ''}.` };
}

function roleOf(word: string | undefined, problems: FieldProblem[]): Role | undefined {
  const w = word?.toLowerCase();
  // Own properties only: "constructor" or "__proto__" must not find Object.prototype's members.
  const role = w ? (ROLES.find((r) => r === w) ?? (Object.hasOwn(ROLE_ALIASES, w) ? ROLE_ALIASES[w] : undefined)) : undefined;
  if (!role) problems.push({ field: 'role', message: `role must be one of ${ROLES.join(', ')}${word ? `, got "${word}"` : ''}.` });
  return role;
}

function centreProblem(word: string): FieldProblem | null {
  return SLUG.test(word.toLowerCase()) ? null : { field: 'centre', message: `"${word}" is not a centre id (lowercase words joined by hyphens, such as acland-burghley).` };
}

/** The admin subcommands by their first word. */
export const ADMIN_COMMANDS: Record<string, AdminSpec> = {
  list: {
    usage: 'admin list [centre]',
    what: 'people, their roles and centres, and whether each can be reached on Slack and Teams.',
    parse([centre, ...rest]) {
      const problems: FieldProblem[] = [];
      const p = centre ? centreProblem(centre) : null;
      if (p) problems.push(p);
      if (rest.length) problems.push({ field: 'command', message: `unexpected words after the centre: "${rest.join(' ')}". ${adminUsage()}` });
      fail(problems);
      return { kind: 'admin-list', centreId: centre ? centre.toLowerCase() : null };
    },
  },
  register: {
    usage: 'admin register <email> <oc_lead|network_lead|admin> [centre …] [name "First Last"]',
    what: 'give someone a role (and, for a centre lead, their centres); a new email adds a new person.',
    parse(args) {
      const problems: FieldProblem[] = [];
      const [email, roleWord, ...rest] = args;
      const e = emailProblem(email);
      if (e) problems.push(e);
      const role = roleOf(roleWord, problems);
      const centres: string[] = [];
      let name: string | null = null;
      for (let i = 0; i < rest.length; i++) {
        const w = rest[i]!;
        if (w.toLowerCase() === 'name') {
          const value = rest[i + 1];
          if (value === undefined || !value.trim()) problems.push({ field: 'name', message: 'write the name in quotes after "name", e.g. name "Sam Okafor".' });
          else name = value.trim();
          if (rest.length > i + 2) problems.push({ field: 'name', message: `put the name in quotes so it is one piece: name "${rest.slice(i + 1).join(' ')}".` });
          break;
        }
        const p = centreProblem(w);
        if (p) problems.push(p);
        else centres.push(w.toLowerCase());
      }
      if (role === 'oc_lead' && !centres.length) problems.push({ field: 'centre', message: 'centre is needed for oc_lead (a centre id such as acland-burghley).' });
      if (role && role !== 'oc_lead' && centres.length) {
        problems.push({ field: 'centre', message: `centres are only given with the oc_lead role, not ${role}.` });
      }
      fail(problems);
      return { kind: 'admin-register', email: email!.toLowerCase(), role: role!, centreIds: [...new Set(centres)], name };
    },
  },
  remove: {
    usage: 'admin remove <email> <oc_lead|network_lead|admin> [centre]',
    what: 'take a role away (with a centre: only that centre).',
    parse([email, roleWord, centre, ...rest]) {
      const problems: FieldProblem[] = [];
      const e = emailProblem(email);
      if (e) problems.push(e);
      const role = roleOf(roleWord, problems);
      const p = centre ? centreProblem(centre) : null;
      if (p) problems.push(p);
      if (centre && role && role !== 'oc_lead') problems.push({ field: 'centre', message: 'a centre is only given with the oc_lead role.' });
      if (rest.length) problems.push({ field: 'command', message: `unexpected words after the centre: "${rest.join(' ')}". ${adminUsage()}` });
      fail(problems);
      return { kind: 'admin-remove', email: email!.toLowerCase(), role: role!, centreId: centre ? centre.toLowerCase() : null };
    },
  },
  pause: {
    usage: 'admin pause <centre> until YYYY-MM-DD',
    what: 'pause reminders for a centre.',
    parse([centre, untilWord, date, ...rest]) {
      const problems: FieldProblem[] = [];
      if (!centre) problems.push({ field: 'centre', message: 'centre is missing (a centre id such as acland-burghley).' });
      if (untilWord?.toLowerCase() !== 'until' || !date) problems.push({ field: 'until', message: 'say "until YYYY-MM-DD" after the centre.' });
      else if (!isIsoDate(date)) problems.push({ field: 'until', message: `until must be a date YYYY-MM-DD, got "${date}".` });
      if (rest.length) problems.push({ field: 'command', message: `unexpected words: "${rest.join(' ')}". ${adminUsage()}` });
      fail(problems);
      return { kind: 'admin-pause', centreId: centre!.toLowerCase(), until: date! };
    },
  },
  resume: {
    usage: 'admin resume <centre>',
    what: 'start a paused centre\'s reminders again now.',
    parse([centre, ...rest]) {
      const problems: FieldProblem[] = [];
      if (!centre) problems.push({ field: 'centre', message: 'centre is missing (a centre id such as acland-burghley).' });
      else {
        const p = centreProblem(centre);
        if (p) problems.push(p);
      }
      if (rest.length) problems.push({ field: 'command', message: `unexpected words after the centre: "${rest.join(' ')}". ${adminUsage()}` });
      fail(problems);
      return { kind: 'admin-resume', centreId: centre!.toLowerCase() };
    },
  },
  run: {
    usage: 'admin run reminder|nudge|digest [week YYYY-MM-DD]',
    what: 'send the reminders, nudges or digest now, as the schedule would (never twice to anyone for the same week).',
    parse([jobWord, weekWord, date, ...rest]) {
      const problems: FieldProblem[] = [];
      const job = JOBS.find((j) => j === jobWord?.toLowerCase() || `${j}s` === jobWord?.toLowerCase());
      if (!job) problems.push({ field: 'job', message: `say what to send: reminder, nudge or digest${jobWord ? `, not "${jobWord}"` : ''}.` });
      if (weekWord !== undefined) {
        if (weekWord.toLowerCase() !== 'week' || !date) problems.push({ field: 'week', message: 'say "week YYYY-MM-DD" (any day of the week) after what to send.' });
        else if (!isIsoDate(date)) problems.push({ field: 'week', message: `week must be a date YYYY-MM-DD, got "${date}".` });
      }
      if (rest.length) problems.push({ field: 'command', message: `unexpected words: "${rest.join(' ')}". ${adminUsage()}` });
      fail(problems);
      return { kind: 'admin-run', job: job!, week: date ?? null };
    },
  },
  'digest-channel': {
    usage: 'admin digest-channel add|remove <#channel>',
    what: 'post the weekly digest in a channel too, or stop (pick the channel from the list as you type #).',
    only: 'slack',
    parse([actionWord, channel, ...rest]) {
      const problems: FieldProblem[] = [];
      const action = actionWord?.toLowerCase() === 'add' ? 'add' : actionWord?.toLowerCase() === 'remove' ? 'remove' : null;
      if (!action) problems.push({ field: 'action', message: `say add or remove${actionWord ? `, not "${actionWord}"` : ''}, then the channel.` });
      if (!channel) problems.push({ field: 'channel', message: 'say which channel, picked from the list as you type # (e.g. #network-leads).' });
      if (rest.length) problems.push({ field: 'command', message: `unexpected words after the channel: "${rest.join(' ')}".` });
      fail(problems);
      return { kind: 'admin-digest-channel', action: action!, channel: channel! };
    },
  },
};

export function adminUsage(): string {
  return `Admin commands: ${Object.values(ADMIN_COMMANDS).map((c) => `"${c.usage}"`).join(' or ')}.`;
}

/** True when `word` names an admin subcommand. */
export function isAdminCommand(word: string | undefined): boolean {
  return !!word && Object.hasOwn(ADMIN_COMMANDS, word.toLowerCase());
}

/** Parses the words after "admin"; throws ValidationError (with the usage) for an unknown or malformed command. */
export function parseAdminCommand(words: string[]): AdminCommand {
  const [sub, ...args] = words;
  if (!isAdminCommand(sub)) throw new ValidationError([{ field: 'command', message: adminUsage() }]);
  return ADMIN_COMMANDS[sub!.toLowerCase()]!.parse(args);
}

/** "post digests here" / "stop posting digests here" (said in a channel, with the bot @mentioned). */
export function digestHereCommand(line: string): AdminCommand | null {
  const t = line.trim().toLowerCase().replace(/[.!]+$/, '').replace(/\s+/g, ' ');
  if (/^(please )?post (the )?(weekly )?digests? (in )?here( please)?$/.test(t)) return { kind: 'admin-digest-here', action: 'add' };
  if (/^(please )?(stop posting|don'?t post|do not post) (the )?(weekly )?digests? (in )?here( please)?$/.test(t)) return { kind: 'admin-digest-here', action: 'remove' };
  return null;
}
