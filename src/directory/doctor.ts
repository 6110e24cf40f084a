import type { DoctorCheck, DoctorSection } from '../shared/doctor.js';
import type { Centre, Person } from './types.js';

export interface DirectoryDoctorInput {
  people: Person[];
  centres: Centre[];
  /** Platforms switched on in this installation. */
  platforms: { slack: boolean; teams: boolean };
  /** Where people are told to register (the slash command's words), e.g. "/attendance admin register". */
  registerCommand: string;
}

const list = (people: Person[], max = 10) =>
  `${people.slice(0, max).map((p) => `${p.name} <${p.email}>`).join(', ')}${people.length > max ? ` and ${people.length - max} more` : ''}`;

/** Can the bot start a conversation with this person on some platform (reminders, digests)? */
function reachable(p: Person, platforms: DirectoryDoctorInput['platforms']): boolean {
  const slack = platforms.slack && !!p.slack;
  const teams = platforms.teams && !!p.teams?.conversationReference && p.teams.reachable !== false;
  return slack || teams;
}

/**
 * The directory's part of the first-run check: an admin to administer from chat, centres with leads, and who cannot
 * be reached yet for reminders and digests (not linked on any platform switched on), with what to do.
 */
export function directoryDoctor(input: DirectoryDoctorInput): DoctorSection {
  const { people, centres, platforms } = input;
  const checks: DoctorCheck[] = [];
  const active = centres.filter((c) => c.active);
  checks.push({
    name: 'people',
    ok: people.length ? true : false,
    detail: `${people.length} in the directory, ${active.length} active centre${active.length === 1 ? '' : 's'}`,
    ...(people.length ? {} : { fix: 'set DIRECTORY_FILE to a YAML file of centres and people (names, emails, roles, centres; see config/directory.example.yaml) and restart' }),
  });
  if (people.length && !people.some((p) => p.roles.includes('admin'))) {
    checks.push({ name: 'admins', ok: false, detail: 'no one has the admin role, so nobody can administer from chat', fix: 'give someone roles: [admin] in the directory file and restart (or run directory import FILE)' });
  }
  const leadless = active.filter((c) => !people.some((p) => p.centres.includes(c.id)));
  if (leadless.length) {
    checks.push({
      name: 'centres without a lead',
      ok: false,
      detail: leadless.map((c) => c.id).join(', '),
      fix: `${input.registerCommand} <email> oc_lead <centre>, or add the lead to the directory file`,
    });
  }
  if (!platforms.slack && !platforms.teams) {
    checks.push({ name: 'reachable', ok: null, detail: 'neither Slack nor Teams is configured, so nobody can be messaged yet' });
    return { title: 'Directory', checks };
  }
  const needMessages = people.filter((p) => p.roles.includes('oc_lead') || p.roles.includes('network_lead'));
  const unreachable = needMessages.filter((p) => !reachable(p, platforms));
  const how = [
    platforms.slack ? 'Slack: they write to the bot once (a DM, or /attendance status), or an admin runs admin register for them, which looks their email up' : null,
    platforms.teams ? 'Teams: install the app for them (Teams admin centre > Setup policies) or they open it once; they are linked by their email' : null,
  ]
    .filter(Boolean)
    .join('; ');
  checks.push(
    unreachable.length
      ? { name: 'reminders and digests', ok: false, detail: `${unreachable.length} lead${unreachable.length === 1 ? '' : 's'} cannot be messaged yet: ${list(unreachable)}`, fix: how }
      : { name: 'reminders and digests', ok: true, detail: `every lead and network lead (${needMessages.length}) can be messaged` },
  );
  if (platforms.slack) {
    const unlinked = people.filter((p) => !p.slack);
    checks.push({
      name: 'linked on Slack',
      ok: unlinked.length ? null : true,
      detail: unlinked.length ? `${people.length - unlinked.length} of ${people.length}; not yet: ${list(unlinked)}` : `all ${people.length}`,
      ...(unlinked.length ? { fix: 'they are linked by email the first time they write to the bot in Slack' } : {}),
    });
  }
  if (platforms.teams) {
    const unlinked = people.filter((p) => !p.teams);
    const noChat = people.filter((p) => p.teams && !p.teams.conversationReference);
    const blocked = people.filter((p) => p.teams?.conversationReference && p.teams.reachable === false);
    checks.push({
      name: 'linked on Teams',
      ok: unlinked.length ? null : true,
      detail: unlinked.length ? `${people.length - unlinked.length} of ${people.length}; not yet: ${list(unlinked)}` : `all ${people.length}`,
      ...(unlinked.length ? { fix: 'they are linked by email when the app is installed for them or they first message it in Teams' } : {}),
    });
    if (noChat.length) checks.push({ name: 'Teams chat not started', ok: null, detail: list(noChat), fix: 'install the app for them, or ask them to open it once' });
    if (blocked.length) checks.push({ name: 'Teams app removed or blocked', ok: false, detail: list(blocked), fix: 'they removed or blocked the app: ask them to open it again' });
  }
  return { title: 'Directory', checks };
}
