import { describe, expect, it } from 'vitest';
import { parseAttendanceCommand } from '../../src/bot/commands.js';
import { parseFormValues } from '../../src/bot/form-values.js';
import { ValidationError } from '../../src/errors.js';

describe('attendance command words', () => {
  it('routes form, status, help and quick form', () => {
    expect(parseAttendanceCommand('')).toEqual({ kind: 'form' });
    expect(parseAttendanceCommand('  Status ')).toEqual({ kind: 'status' });
    expect(parseAttendanceCommand('help')).toEqual({ kind: 'help' });
    expect(parseAttendanceCommand('sessions 6 pupils 4')).toEqual({ kind: 'quick', text: 'sessions 6 pupils 4' });
  });

  it('parses admin register and pause', () => {
    expect(parseAttendanceCommand('admin register Sam@Example.org oc_lead acland-burghley')).toEqual({
      kind: 'admin-register', email: 'sam@example.org', role: 'oc_lead', centreId: 'acland-burghley',
    });
    expect(parseAttendanceCommand('admin register a@b.org network_lead')).toMatchObject({ role: 'network_lead', centreId: null });
    expect(parseAttendanceCommand('admin pause la-sainte-union until 2026-12-31')).toEqual({ kind: 'admin-pause', centreId: 'la-sainte-union', until: '2026-12-31' });
  });

  it.each([
    ['admin register nobody oc_lead x', 'email'],
    ['admin register a@b.org boss', 'role'],
    ['admin register a@b.org oc_lead', 'centre'],
    ['admin pause x until 2026-02-30', 'until'],
    ['admin pause x 2026-02-01', 'until'],
    ['admin frobnicate', 'command'],
  ])('%s -> problem on %s', (text, field) => {
    try {
      parseAttendanceCommand(text);
      expect.fail('should throw');
    } catch (err) {
      expect(err).toBeInstanceOf(ValidationError);
      expect((err as ValidationError).problems.map((p) => p.field)).toContain(field);
    }
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
      parseFormValues({ centreId: '', week: '2026-13-01', figures: { ...figures, pupils: '4.5', fsm: '', send: '-1' } });
      expect.fail('should throw');
    } catch (err) {
      expect((err as ValidationError).problems.map((p) => p.field).sort()).toEqual(['centre', 'fsm', 'pupils', 'send', 'week']);
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
