import { describe, expect, it } from 'vitest';
import { ADMIN_COMMANDS, parseAdminCommand } from '../../src/bot/admin-commands.js';
import { parseIntent } from '../../src/bot/intents.js';
import { parseFormValues } from '../../src/bot/form-values.js';
import { ValidationError } from '../../src/errors.js';

const chat = (line: string) => parseIntent(line, { explicit: false });
const slash = (command: string, text: string) => parseIntent(`${command} ${text}`, { explicit: true });

describe('intents: one parser for every platform and surface', () => {
  it.each([
    ['What is Camden Career Club?', { kind: 'ask', question: 'What is Camden Career Club?' }],
    ['ask What is AI Connect?', { kind: 'ask', question: 'What is AI Connect?' }],
    ['/ask What is AI Connect?', { kind: 'ask', question: 'What is AI Connect?' }],
    ['ask help', { kind: 'help' }],
    ['help', { kind: 'help' }],
    ['?', { kind: 'help' }],
    ['help me find SEND guidance', { kind: 'ask', question: 'help me find SEND guidance' }],
    ['hello', { kind: 'small-talk', what: 'greeting' }],
    ['Good morning!', { kind: 'small-talk', what: 'greeting' }],
    ['thanks 👍', { kind: 'small-talk', what: 'thanks' }],
    ['ok, thank you so much', { kind: 'small-talk', what: 'thanks' }],
    ['hello, what is Camden Career Club?', { kind: 'ask', question: 'hello, what is Camden Career Club?' }],
    ['attendance', { kind: 'attendance-form' }],
    ['Attendance status', { kind: 'attendance-status' }],
    ['attendance help', { kind: 'help' }],
    ['/attendance sessions 6 academic 6', { kind: 'attendance-quick', text: 'sessions 6 academic 6' }],
    ['attendance pupils:45 sessions 6', { kind: 'attendance-quick', text: 'pupils:45 sessions 6' }],
    ['sessions 6 academic 4 enrichment 2 attendances 120 pupils 45', { kind: 'attendance-quick', text: 'sessions 6 academic 4 enrichment 2 attendances 120 pupils 45' }],
    ['SEND support for pupils in year 9?', { kind: 'ask', question: 'SEND support for pupils in year 9?' }],
    ['digest', { kind: 'digest' }],
    ['digest of the strategy?', { kind: 'ask', question: 'digest of the strategy?' }],
    ['Attendance at Opportunity Centres: how is it counted?', { kind: 'ask', question: 'Attendance at Opportunity Centres: how is it counted?' }],
    ['attendance of SEND pupils at the centres?', { kind: 'ask', question: 'attendance of SEND pupils at the centres?' }],
    ['/attendance of pupils', { kind: 'unknown-command', command: 'attendance', typed: 'of pupils', suggestion: 'status' }],
    ['attendance stauts', { kind: 'unknown-command', command: 'attendance', typed: 'stauts', suggestion: 'status' }],
    ['attendance history', { kind: 'unknown-command', command: 'attendance', typed: 'history', suggestion: 'status' }],
    ['/attendance hello', { kind: 'unknown-command', command: 'attendance', typed: 'hello', suggestion: 'status' }],
    ['/attendance status please', { kind: 'unknown-command', command: 'attendance', typed: 'status please', suggestion: 'status' }],
    ['/attendance hlep', { kind: 'unknown-command', command: 'attendance', typed: 'hlep', suggestion: 'help' }],
    ['/attendance closd', { kind: 'unknown-command', command: 'attendance', typed: 'closd', suggestion: 'closed' }],
    ['attendance closed', { kind: 'attendance-closed', text: '' }],
    ['/attendance closed week 2026-12-21 note "Christmas"', { kind: 'attendance-closed', text: 'week 2026-12-21 note "Christmas"' }],
    ['digest week 2026-11-16', { kind: 'digest', week: '2026-11-16' }],
    ['/digest 2026-11-18', { kind: 'digest', week: '2026-11-18' }],
    ['/digest week 2026-02-30', { kind: 'invalid', problems: [{ field: 'week', message: 'week must be a date YYYY-MM-DD, got "2026-02-30".' }] }],
    ['attendance admin resume acland-burghley', { kind: 'admin', command: { kind: 'admin-resume', centreId: 'acland-burghley' } }],
    ['/attendance sesions 6 pupils 4', { kind: 'attendance-quick', text: 'sesions 6 pupils 4' }],
    ['attendance admin pause acland-burghley until 2026-12-01', { kind: 'admin', command: { kind: 'admin-pause', centreId: 'acland-burghley', until: '2026-12-01' } }],
    ['admin pause acland-burghley until 2026-12-01', { kind: 'admin', command: { kind: 'admin-pause', centreId: 'acland-burghley', until: '2026-12-01' } }],
    ['admin staff workload: what does the strategy say?', { kind: 'ask', question: 'admin staff workload: what does the strategy say?' }],
  ])('chat: %s', (line, expected) => {
    expect(chat(line)).toEqual(expected);
  });

  it('a slash command means what its words mean in a chat', () => {
    for (const [command, text] of [['attendance', 'status'], ['attendance', ''], ['digest', ''], ['ask', 'help'], ['ask', 'What is AI Connect?'], ['attendance', 'sessions 6 pupils 4 attendances 9']]) {
      expect(slash(command!, text!)).toEqual(chat(`${command} ${text}`));
    }
    // Typed as a command, the words after it are the command's: never a question.
    expect(slash('attendance', 'stauts')).toEqual({ kind: 'unknown-command', command: 'attendance', typed: 'stauts', suggestion: 'status' });
    expect(slash('attendance', '6 sessions')).toEqual({ kind: 'attendance-quick', text: '6 sessions' });
    expect(slash('digest', 'please')).toEqual({ kind: 'digest' });
    expect(slash('ask', 'attendance status')).toEqual({ kind: 'ask', question: 'attendance status' });
  });

  it('parses admin register and pause', () => {
    expect(parseAdminCommand(['register', 'Sam@Example.org', 'oc_lead', 'acland-burghley'])).toEqual({
      kind: 'admin-register', email: 'sam@example.org', role: 'oc_lead', centreIds: ['acland-burghley'], name: null,
    });
    expect(chat('attendance admin register a@b.org network_lead')).toMatchObject({ command: { role: 'network_lead', centreIds: [] } });
    expect(slash('attendance', 'admin pause la-sainte-union until 2026-12-31')).toEqual({ kind: 'admin', command: { kind: 'admin-pause', centreId: 'la-sainte-union', until: '2026-12-31' } });
  });

  it.each([
    ['admin register nobody oc_lead x', 'email'],
    ['admin register a@b.org boss', 'role'],
    ['admin register a@b.org oc_lead', 'centre'],
    ['admin pause x until 2026-02-30', 'until'],
    ['admin pause x 2026-02-01', 'until'],
    ['admin frobnicate', 'command'],
  ])('attendance %s -> problem on %s', (text, field) => {
    const intent = slash('attendance', text);
    expect(intent.kind).toBe('invalid');
    expect(intent.kind === 'invalid' && intent.problems.map((p) => p.field)).toContain(field);
  });

  it('every admin command is listed in the usage an admin sees', () => {
    const usage = slash('admin', 'nonsense');
    expect(usage.kind === 'invalid' && usage.problems[0]!.message).toBe(
      `Admin commands: ${Object.values(ADMIN_COMMANDS).map((c) => `"${c.usage}"`).join(' or ')}.`,
    );
  });
});

describe('form values', () => {
  const figures = { sessions: '6', academic: '4', enrichment: '2', careers: '0', digital: '0', weekend: '0', attendances: '120', pupils: '45', fsm: '30', send: '8', parents: '3' };
  it('turns strings into whole numbers', () => {
    expect(parseFormValues({ centreId: 'x', week: '2026-11-16', figures, note: '  hi ' })).toEqual({
      centreId: 'x', week: '2026-11-16', note: 'hi',
      figures: { sessions: 6, academic: 4, enrichment: 2, careers: 0, digital: 0, weekend: 0, attendances: 120, pupils: 45, fsm: 30, send: 8, parents: 3 },
    });
  });
  it('names every bad field', () => {
    try {
      parseFormValues({ centreId: '', week: '2026-13-01', figures: { ...figures, pupils: '4.5', fsm: '', send: '-1', parents: '99999999999999999999' } });
      expect.fail('should throw');
    } catch (err) {
      // An empty box is a figure not given (kept in an amendment, 0 in a first return), not a problem here.
      const problems = (err as ValidationError).problems;
      expect(problems.map((p) => p.field).sort()).toEqual(['centre', 'parents', 'pupils', 'send', 'week']);
      // Named by the form's labels, numbers as typed.
      expect(problems.find((p) => p.field === 'pupils')?.message).toBe('Unique pupils must be a whole number, got 4.5.');
      expect(problems.find((p) => p.field === 'parents')?.message).toBe('Parents / carers attending must be at most 10,000, got 99999999999999999999.');
    }
  });
});

describe('answer limiter', async () => {
  const { createLimiter } = await import('../../src/bot/limiter.js');
  it('never runs more than the limit at once and runs everything in order', async () => {
    const limiter = createLimiter(2);
    let running = 0;
    let peak = 0;
    const order: number[] = [];
    await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        limiter.run(async () => {
          running++;
          peak = Math.max(peak, running);
          await new Promise((r) => setImmediate(r));
          order.push(i);
          running--;
          return i;
        }),
      ),
    );
    expect(peak).toBe(2);
    expect(order).toEqual([...order].sort((a, b) => a - b));
    expect(limiter.active).toBe(0);
  });
  it('a failing task does not block the queue', async () => {
    const limiter = createLimiter(1);
    const a = limiter.run(async () => Promise.reject(new Error('boom')));
    const b = limiter.run(async () => 'ok');
    await expect(a).rejects.toThrow('boom');
    await expect(b).resolves.toBe('ok');
  });
});
