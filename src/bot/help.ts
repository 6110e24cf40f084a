import type { Actor, Role } from '../directory/types.js';
import type { Reply, ReplyBlock } from '../shared/reply.js';

export function hasRole(actor: Actor, role: Role): boolean {
  return !!actor.person?.roles.includes(role);
}

/** What this person can do, as lines of plain text (used by help and App Home). */
export function capabilityLines(actor: Actor): string[] {
  const lines = [
    '/ask <question>: answers from Camden\'s strategy documents (post-16 pathways, CPD, SEND), with sources. You can also message me directly or @mention me in a channel.',
  ];
  if (hasRole(actor, 'oc_lead') || hasRole(actor, 'admin')) {
    lines.push('/attendance: open the weekly return form for your Opportunity Centre.');
    lines.push('/attendance sessions 6 academic 4 enrichment 2 attendances 120 pupils 45 fsm 30 send 8 parents 3: submit at once (add week YYYY-MM-DD, centre <id> or note "..." if needed).');
    lines.push('/attendance status: which recent returns are in or missing.');
  }
  if (hasRole(actor, 'network_lead') || hasRole(actor, 'admin')) lines.push('/digest: the latest weekly digest across the network.');
  if (hasRole(actor, 'admin')) {
    lines.push('/attendance admin register <email> <oc_lead|network_lead|admin> [centre]: give someone a role.');
    lines.push('/attendance admin pause <centre> until YYYY-MM-DD: pause reminders for a centre.');
  }
  return lines;
}

export function helpReply(actor: Actor): Reply {
  const lines = capabilityLines(actor);
  const blocks: ReplyBlock[] = [{ kind: 'heading', text: 'What I can do for you' }, ...lines.map((text) => ({ kind: 'paragraph' as const, text }))];
  if (!actor.person) {
    blocks.push({ kind: 'notice', tone: 'info', text: 'Opportunity Centre leads: ask your network admin to register you to submit attendance returns.' });
  }
  return { text: lines.join('\n'), blocks };
}
