import { describe, expect, it } from 'vitest';
import { activityProblems, MAX_ACTIVITY_BYTES } from '../helpers/adaptive-card-rules.js';
import { replyToActivity } from '../../adapters/teams/cards/reply-card.js';

const cardActivity = (content: unknown) => ({ type: 'message', attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive', content }] });
const check = (a: unknown) => activityProblems(a, Buffer.byteLength(JSON.stringify(a))).problems;
const card = (body: unknown[], extra: Record<string, unknown> = {}) => ({ type: 'AdaptiveCard', version: '1.5', body, ...extra });

/** The fake Bot Connector refuses what these rules refuse: they must match Teams, or the fake hides defects. */
describe('Teams rules of the fake Bot Connector', () => {
  it('accepts the cards the adapter renders', () => {
    const activity = replyToActivity({
      text: 'Return received',
      blocks: [
        { kind: 'heading', text: 'Return received' },
        { kind: 'fields', fields: [{ label: 'Sessions', value: '6' }] },
        { kind: 'table', columns: ['Centre', 'Sessions'], rows: [['Acland Burghley', '6']] },
        { kind: 'actions', actions: [{ id: 'feedback_helpful', label: 'Helpful', value: '1' }] },
      ],
    });
    expect(check(activity)).toEqual([]);
  });

  it('refuses unknown elements, inputs without or sharing an id, newer versions, bad facts and URLs', () => {
    expect(check(cardActivity(card([{ type: 'Markdown', text: 'x' }])))[0]).toMatch(/unknown element type/);
    expect(check(cardActivity(card([{ type: 'Input.Text' }])))[0]).toMatch(/needs an id/);
    expect(check(cardActivity(card([{ type: 'Input.Text', id: 'a' }, { type: 'Container', items: [{ type: 'Input.Number', id: 'a' }] }])))[0]).toMatch(/duplicate id/);
    expect(check(cardActivity({ ...card([]), version: '1.6' }))[0]).toMatch(/newer than Teams/);
    expect(check(cardActivity(card([{ type: 'FactSet', facts: [{ title: 'a', value: 3 }] }])))[0]).toMatch(/title and value/);
    expect(check(cardActivity(card([], { actions: [{ type: 'Action.OpenUrl', title: 'x', url: 'javascript:alert(1)' }] })))[0]).toMatch(/http/);
    expect(check({ type: 'message' })[0]).toMatch(/text or an attachment/);
  });

  it('refuses a message over Teams\' size limit with 413', () => {
    const big = { type: 'message', text: 'x'.repeat(MAX_ACTIVITY_BYTES) };
    expect(activityProblems(big, Buffer.byteLength(JSON.stringify(big))).tooLarge).toBe(true);
  });
});
