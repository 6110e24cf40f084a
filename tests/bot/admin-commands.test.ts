import { describe, expect, it } from 'vitest';
import { commandWords, digestHereCommand } from '../../src/bot/admin-commands.js';
import { parseIntent } from '../../src/bot/intents.js';

const chat = (line: string) => parseIntent(line, { explicit: false });
const slash = (command: string, text: string) => parseIntent(`${command} ${text}`, { explicit: true });

describe('admin commands: the same words in Slack and Teams', () => {
  it.each([
    ['admin list', { kind: 'admin-list', centreId: null }],
    ['admin list Acland-Burghley', { kind: 'admin-list', centreId: 'acland-burghley' }],
    [
      'admin register new.lead@example.org oc_lead acland-burghley la-sainte-union name "Ada Lovelace"',
      { kind: 'admin-register', email: 'new.lead@example.org', role: 'oc_lead', centreIds: ['acland-burghley', 'la-sainte-union'], name: 'Ada Lovelace' },
    ],
    // Phones type curly quotes; Slack may turn an email into a mailto link's text.
    ['admin register mailto:Ada@Example.org lead acland-burghley name “Ada Lovelace”', { kind: 'admin-register', email: 'ada@example.org', role: 'oc_lead', centreIds: ['acland-burghley'], name: 'Ada Lovelace' }],
    ['admin register nia@example.org network_lead', { kind: 'admin-register', email: 'nia@example.org', role: 'network_lead', centreIds: [], name: null }],
    ['admin remove sam@example.org oc_lead acland-burghley', { kind: 'admin-remove', email: 'sam@example.org', role: 'oc_lead', centreId: 'acland-burghley' }],
    ['admin remove sam@example.org admin', { kind: 'admin-remove', email: 'sam@example.org', role: 'admin', centreId: null }],
    ['admin resume acland-burghley', { kind: 'admin-resume', centreId: 'acland-burghley' }],
    ['admin run reminder', { kind: 'admin-run', job: 'reminder', week: null }],
    ['admin run reminders week 2026-11-18', { kind: 'admin-run', job: 'reminder', week: '2026-11-18' }],
    ['admin run digest', { kind: 'admin-run', job: 'digest', week: null }],
    ['admin digest-channel add #network-leads', { kind: 'admin-digest-channel', action: 'add', channel: '#network-leads' }],
    ['admin digest-channel remove C0DIGEST1', { kind: 'admin-digest-channel', action: 'remove', channel: 'C0DIGEST1' }],
    ['post digests here', { kind: 'admin-digest-here', action: 'add' }],
    ['Post the weekly digest here please.', { kind: 'admin-digest-here', action: 'add' }],
    ['stop posting digests here', { kind: 'admin-digest-here', action: 'remove' }],
  ])('%s', (line, command) => {
    expect(chat(line)).toEqual({ kind: 'admin', command });
    // In Slack the same words follow /attendance.
    if (line.startsWith('admin')) expect(slash('attendance', line)).toEqual({ kind: 'admin', command });
  });

  it.each([
    ['admin register a@b.org oc_lead acland-burghley name Ada Lovelace', 'name'],
    ['admin register a@b.org network_lead acland-burghley', 'centre'],
    ['admin register a@b.org oc_lead Not_A_Centre!', 'centre'],
    ['admin remove a@b.org admin acland-burghley', 'centre'],
    ['admin resume', 'centre'],
    ['admin run everything', 'job'],
    ['admin run nudge week soon', 'week'],
    ['admin run nudge week 2026-02-30', 'week'],
    ['admin digest-channel move #x', 'action'],
    ['admin digest-channel add', 'channel'],
  ])('%s -> a problem on %s', (line, field) => {
    const intent = slash('attendance', line);
    expect(intent.kind).toBe('invalid');
    expect(intent.kind === 'invalid' && intent.problems.map((p) => p.field)).toContain(field);
  });

  it('reads quoted words as one, without their quotes', () => {
    expect(commandWords('register a@b.org admin name "Jo  Bloggs"')).toEqual(['register', 'a@b.org', 'admin', 'name', 'Jo  Bloggs']);
    expect(commandWords("name 'Jo'")).toEqual(['name', 'Jo']);
  });

  it('questions that merely mention posting or digests stay questions', () => {
    expect(digestHereCommand('post digests here and there')).toBeNull();
    expect(chat('Can you post digests of the strategy here?').kind).toBe('ask');
    expect(chat('admin staff workload: what does the strategy say?').kind).toBe('ask');
  });
});
