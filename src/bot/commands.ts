import type { Role } from '../directory/types.js';
import { ValidationError } from '../errors.js';
import { isIsoDate } from '../shared/calendar.js';

/** What the text after `/attendance` (or "attendance" in a Teams chat) asks for. */
export type AttendanceCommand =
  | { kind: 'form' }
  | { kind: 'status' }
  | { kind: 'help' }
  | { kind: 'quick'; text: string }
  | { kind: 'admin-register'; email: string; role: Role; centreId: string | null }
  | { kind: 'admin-pause'; centreId: string; until: string };

const ROLES: readonly Role[] = ['oc_lead', 'network_lead', 'admin'];
const ROLE_ALIASES: Record<string, Role> = { lead: 'oc_lead', 'oc-lead': 'oc_lead', 'network-lead': 'network_lead', network: 'network_lead' };
const ADMIN_USAGE =
  'Admin commands: "admin register <email> <oc_lead|network_lead|admin> [centre]" or "admin pause <centre> until YYYY-MM-DD".';

export function parseAttendanceCommand(raw: string): AttendanceCommand {
  const text = raw.trim();
  if (!text) return { kind: 'form' };
  const words = text.split(/\s+/);
  const first = words[0]!.toLowerCase();
  if (words.length === 1 && first === 'status') return { kind: 'status' };
  if (words.length === 1 && first === 'help') return { kind: 'help' };
  if (first !== 'admin') return { kind: 'quick', text };
  const sub = words[1]?.toLowerCase();
  if (sub === 'register') {
    const [email, roleWord, centre, ...rest] = words.slice(2);
    const problems = [];
    if (!email || !/^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/.test(email)) problems.push({ field: 'email', message: `email must be an address like name@example.org${email ? `, got "${email}"` : ''}.` });
    const word = roleWord?.toLowerCase();
    // Own properties only: "constructor" or "__proto__" must not find Object.prototype's members.
    const role = word ? (ROLES.find((r) => r === word) ?? (Object.hasOwn(ROLE_ALIASES, word) ? ROLE_ALIASES[word] : undefined)) : undefined;
    if (!role) problems.push({ field: 'role', message: `role must be one of ${ROLES.join(', ')}${roleWord ? `, got "${roleWord}"` : ''}.` });
    if (role === 'oc_lead' && !centre) problems.push({ field: 'centre', message: 'centre is needed for oc_lead (a centre id such as acland-burghley).' });
    if (rest.length) problems.push({ field: 'command', message: `unexpected words after the centre: "${rest.join(' ')}". ${ADMIN_USAGE}` });
    if (problems.length) throw new ValidationError(problems);
    return { kind: 'admin-register', email: email!.toLowerCase(), role: role!, centreId: centre ? centre.toLowerCase() : null };
  }
  if (sub === 'pause') {
    const [centre, untilWord, date, ...rest] = words.slice(2);
    const problems = [];
    if (!centre) problems.push({ field: 'centre', message: 'centre is missing (a centre id such as acland-burghley).' });
    if (untilWord?.toLowerCase() !== 'until' || !date) problems.push({ field: 'until', message: 'say "until YYYY-MM-DD" after the centre.' });
    else if (!isIsoDate(date)) problems.push({ field: 'until', message: `until must be a date YYYY-MM-DD, got "${date}".` });
    if (rest.length) problems.push({ field: 'command', message: `unexpected words: "${rest.join(' ')}". ${ADMIN_USAGE}` });
    if (problems.length) throw new ValidationError(problems);
    return { kind: 'admin-pause', centreId: centre!.toLowerCase(), until: date! };
  }
  throw new ValidationError([{ field: 'command', message: ADMIN_USAGE }]);
}
