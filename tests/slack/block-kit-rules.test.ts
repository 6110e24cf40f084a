import { describe, expect, it } from 'vitest';
import { messageProblems, viewProblems } from '../helpers/block-kit-rules.js';

const text = (t: string) => ({ type: 'plain_text', text: t });
const button = (id: string, label = 'Go') => ({ type: 'button', action_id: id, text: text(label), value: 'v' });

/** The fake Slack Web API refuses what these rules refuse: they must match Slack's, or the fake hides defects. */
describe('Block Kit rules of the fake Slack Web API', () => {
  it('accepts a well-formed message', () => {
    expect(
      messageProblems({
        text: 'fallback',
        blocks: [
          { type: 'header', text: text('Weekly attendance return due') },
          { type: 'section', text: { type: 'mrkdwn', text: '*hi*' } },
          { type: 'actions', elements: [button('a'), button('b')] },
          { type: 'context', elements: [{ type: 'mrkdwn', text: 'x' }] },
          { type: 'divider' },
          { type: 'rich_text', elements: [{ type: 'rich_text_preformatted', elements: [{ type: 'text', text: 'a  b' }] }] },
        ],
      }),
    ).toEqual([]);
  });

  it('refuses buttons sharing an action_id in one actions block, but not across blocks', () => {
    expect(messageProblems({ blocks: [{ type: 'actions', elements: [button('x'), button('x')] }] })).toEqual([
      '/blocks/0/elements/1/action_id: duplicate action_id "x" in the block',
    ]);
    expect(messageProblems({ blocks: [{ type: 'actions', elements: [button('x')] }, { type: 'actions', elements: [button('x')] }] })).toEqual([]);
  });

  it('refuses a duplicate block_id, too many blocks, and text over the limits or empty', () => {
    expect(messageProblems({ blocks: [{ type: 'divider', block_id: 'b' }, { type: 'divider', block_id: 'b' }] })).toEqual([
      '/blocks/1/block_id: duplicate block_id "b"',
    ]);
    expect(messageProblems({ blocks: Array.from({ length: 51 }, () => ({ type: 'divider' })) })[0]).toMatch(/at most 50 blocks/);
    expect(messageProblems({ blocks: [{ type: 'header', text: text('x'.repeat(151)) }] })[0]).toMatch(/header|text/);
    expect(messageProblems({ blocks: [{ type: 'section', text: text('x'.repeat(3001)) }] })[0]).toMatch(/less than 3001/);
    expect(messageProblems({ blocks: [{ type: 'section', text: text('') }] })[0]).toMatch(/more than 0 characters/);
    expect(messageProblems({ blocks: [{ type: 'actions', elements: [button('a', 'x'.repeat(76))] }] })[0]).toMatch(/less than 76/);
    expect(messageProblems({ blocks: [{ type: 'section', fields: Array.from({ length: 11 }, () => text('f')) }] })[0]).toMatch(/at most 10/);
    expect(messageProblems({ blocks: [{ type: 'context', elements: Array.from({ length: 11 }, () => text('c')) }] })[0]).toMatch(/at most 10/);
    expect(messageProblems({ blocks: [{ type: 'header', text: { type: 'mrkdwn', text: 'x' } }] })[0]).toMatch(/plain_text/);
    expect(messageProblems({ blocks: [{ type: 'table' }] })[0]).toMatch(/unknown block type/);
    expect(messageProblems({ text: '' })[0]).toMatch(/no_text/);
  });

  it('checks views: title and button lengths, 100 blocks, inputs need a submit, no inputs in App Home', () => {
    const input = { type: 'input', block_id: 'n', label: text('Note'), element: { type: 'plain_text_input', action_id: 'value' } };
    expect(viewProblems({ type: 'modal', title: text('Weekly return'), submit: text('Submit'), blocks: [input] })).toEqual([]);
    expect(viewProblems({ type: 'modal', title: text('x'.repeat(25)), submit: text('Submit'), blocks: [input] })[0]).toMatch(/title/);
    expect(viewProblems({ type: 'modal', title: text('Return'), blocks: [input] })[0]).toMatch(/submit/);
    expect(viewProblems({ type: 'home', blocks: [input] })[0]).toMatch(/App Home/);
    expect(viewProblems({ type: 'home', blocks: Array.from({ length: 101 }, () => ({ type: 'divider' })) })[0]).toMatch(/at most 100/);
    const select = { type: 'static_select', action_id: 'value', options: [{ text: text('A'), value: 'a' }], initial_option: { text: text('B'), value: 'b' } };
    expect(viewProblems({ type: 'modal', title: text('R'), submit: text('S'), blocks: [{ ...input, element: select }] })[0]).toMatch(/initial_option/);
  });
});
