import type { ReplyActionId } from '../../../src/shared/reply.js';

/**
 * Slack refuses (`invalid_blocks`) an actions block whose buttons share an `action_id`, yet a reply may offer
 * the same action several times (a reminder's "Submit for …" button per centre). The first keeps the plain id;
 * later ones get `:2`, `:3`, … The button's value tells them apart, so listeners match every form of the id.
 */
export function uniqueActionId(id: ReplyActionId, seen: Map<string, number>): string {
  const n = (seen.get(id) ?? 0) + 1;
  seen.set(id, n);
  return n === 1 ? id : `${id}:${n}`;
}

/** The listener's constraint for an action: its id, with or without the suffix uniqueActionId adds. */
export function actionIdPattern(id: ReplyActionId): RegExp {
  return new RegExp(`^${id}(?::\\d+)?$`);
}
