import type { Role } from '../directory/types.js';
import { ValidationError, type FieldProblem } from '../errors.js';
import { isIsoDate } from '../shared/calendar.js';

/**
 * Admin commands ("admin register …", also typed as "/attendance admin …" in Slack). To add one: a member of this
 * union, an entry in ADMIN_COMMANDS (its words and parser), and its handler in bot.ts's `adminHandlers` (the
 * compiler asks for it). Neither adapter changes: they hand the text to the core.
 */
export type AdminCommand =
  | { kind: 'admin-register'; email: string; role: Role; centreId: string | null }
  | { kind: 'admin-pause'; centreId: string; until: string };

interface AdminSpec {
  /** How it is typed, for the usage message and help. */
  usage: string;
  /** What it does, for help. */
  what: string;
  /** Parses the words after the subcommand; throws ValidationError naming each problem. */
  parse(args: string[]): AdminCommand;
}

const ROLES: readonly Role[] = ['oc_lead', 'network_lead', 'admin'];
const ROLE_ALIASES: Record<string, Role> = { lead: 'oc_lead', 'oc-lead': 'oc_lead', 'network-lead': 'network_lead', network: 'network_lead' };

function fail(problems: FieldProblem[]): void {
  if (problems.length) throw new ValidationError(problems);
}

/** The admin subcommands by their first word. */
export const ADMIN_COMMANDS: Record<string, AdminSpec> = {
  register: {
    usage: 'admin register <email> <oc_lead|network_lead|admin> [centre]',
    what: 'give someone a role.',
    parse([email, roleWord, centre, ...rest]) {
      const problems: FieldProblem[] = [];
      if (!email || !/^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/.test(email)) problems.push({ field: 'email', message: `email must be an address like name@example.org${email ? `, got "${email}"` : ''}.` });
      const word = roleWord?.toLowerCase();
      // Own properties only: "constructor" or "__proto__" must not find Object.prototype's members.
      const role = word ? (ROLES.find((r) => r === word) ?? (Object.hasOwn(ROLE_ALIASES, word) ? ROLE_ALIASES[word] : undefined)) : undefined;
      if (!role) problems.push({ field: 'role', message: `role must be one of ${ROLES.join(', ')}${roleWord ? `, got "${roleWord}"` : ''}.` });
      if (role === 'oc_lead' && !centre) problems.push({ field: 'centre', message: 'centre is needed for oc_lead (a centre id such as acland-burghley).' });
      if (rest.length) problems.push({ field: 'command', message: `unexpected words after the centre: "${rest.join(' ')}". ${adminUsage()}` });
      fail(problems);
      return { kind: 'admin-register', email: email!.toLowerCase(), role: role!, centreId: centre ? centre.toLowerCase() : null };
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
