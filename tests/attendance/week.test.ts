import { describe, expect, it } from 'vitest';
import {
  addDays,
  currentWeekStart,
  isIsoDate,
  localDate,
  recentWeeks,
  startOfLocalDay,
  weekBounds,
  weekJustEnded,
  weekStartOf,
} from '../../src/shared/calendar.js';

const TZ = 'Europe/London';

describe('week arithmetic', () => {
  it('names a week by its Monday for every day of it', () => {
    for (const d of ['2026-03-23', '2026-03-25', '2026-03-28', '2026-03-29']) expect(weekStartOf(d)).toBe('2026-03-23');
    expect(weekStartOf('2026-03-30')).toBe('2026-03-30');
    expect(weekStartOf('2027-01-01')).toBe('2026-12-28'); // across a year end
  });

  it('validates calendar dates', () => {
    expect(isIsoDate('2026-02-29')).toBe(false);
    expect(isIsoDate('2028-02-29')).toBe(true);
    expect(isIsoDate('2026-3-1')).toBe(false);
    expect(() => weekStartOf('2026-13-01')).toThrow(RangeError);
  });

  // Clocks go forward at 01:00 GMT on Sunday 2026-03-29 (to 02:00 BST).
  it.each([
    ['2026-03-29T00:00:00Z', '2026-03-29', '2026-03-23'], // 00:00 GMT Sunday: still the week of the 23rd
    ['2026-03-29T00:59:59Z', '2026-03-29', '2026-03-23'],
    ['2026-03-29T01:00:00Z', '2026-03-29', '2026-03-23'], // 02:00 BST
    ['2026-03-29T22:59:59Z', '2026-03-29', '2026-03-23'], // 23:59:59 BST Sunday
    ['2026-03-29T23:00:00Z', '2026-03-30', '2026-03-30'], // 00:00 BST Monday: new week, though UTC still says Sunday
  ])('spring forward: %s is local %s in the week of %s', (instant, date, week) => {
    expect(localDate(new Date(instant), TZ)).toBe(date);
    expect(currentWeekStart(new Date(instant), TZ)).toBe(week);
  });

  // Clocks go back at 02:00 BST on Sunday 2026-10-25 (to 01:00 GMT); 01:00-02:00 local happens twice.
  it.each([
    ['2026-10-24T23:00:00Z', '2026-10-25', '2026-10-19'], // 00:00 BST Sunday
    ['2026-10-25T00:30:00Z', '2026-10-25', '2026-10-19'], // first 01:30 (BST)
    ['2026-10-25T01:30:00Z', '2026-10-25', '2026-10-19'], // second 01:30 (GMT)
    ['2026-10-25T23:59:59Z', '2026-10-25', '2026-10-19'], // 23:59:59 GMT Sunday
    ['2026-10-26T00:00:00Z', '2026-10-26', '2026-10-26'], // 00:00 GMT Monday
    ['2026-10-25T23:30:00Z', '2026-10-25', '2026-10-19'],
  ])('fall back: %s is local %s in the week of %s', (instant, date, week) => {
    expect(localDate(new Date(instant), TZ)).toBe(date);
    expect(currentWeekStart(new Date(instant), TZ)).toBe(week);
  });

  it('gives week bounds as exact instants across both clock changes', () => {
    // Week of 23 March 2026 starts in GMT and ends in BST: 167 hours long.
    const spring = weekBounds('2026-03-25', TZ);
    expect(spring.start.toISOString()).toBe('2026-03-23T00:00:00.000Z');
    expect(spring.end.toISOString()).toBe('2026-03-29T23:00:00.000Z');
    expect((spring.end.getTime() - spring.start.getTime()) / 3_600_000).toBe(167);
    // Week of 19 October 2026 starts in BST and ends in GMT: 169 hours long.
    const autumn = weekBounds('2026-10-19', TZ);
    expect(autumn.start.toISOString()).toBe('2026-10-18T23:00:00.000Z');
    expect(autumn.end.toISOString()).toBe('2026-10-26T00:00:00.000Z');
    expect((autumn.end.getTime() - autumn.start.getTime()) / 3_600_000).toBe(169);
    expect(startOfLocalDay('2026-10-25', TZ).toISOString()).toBe('2026-10-24T23:00:00.000Z');
    expect(startOfLocalDay('2026-03-29', TZ).toISOString()).toBe('2026-03-29T00:00:00.000Z');
  });

  it('finds the first instant of every day of the year, also where clocks change at midnight', () => {
    // Santiago skips midnight in September (00:00 -> 01:00) and repeats the hour before it in April.
    expect(startOfLocalDay('2026-09-06', 'America/Santiago').toISOString()).toBe('2026-09-06T04:00:00.000Z');
    expect(startOfLocalDay('2026-04-05', 'America/Santiago').toISOString()).toBe('2026-04-05T04:00:00.000Z');
    for (const zone of [TZ, 'America/Santiago', 'America/Havana', 'Asia/Beirut', 'Australia/Lord_Howe', 'America/New_York']) {
      for (let day = addDays('2026-01-01', 0); day < '2027-01-01'; day = addDays(day, 1)) {
        const start = startOfLocalDay(day, zone);
        expect([zone, localDate(start, zone)]).toEqual([zone, day]);
        expect([zone, day, localDate(new Date(start.getTime() - 1), zone)]).toEqual([zone, day, addDays(day, -1)]);
      }
    }
  });

  it('defaults to the week just ended, switching at local Monday midnight', () => {
    expect(weekJustEnded(new Date('2026-03-29T22:59:59Z'), TZ)).toBe('2026-03-16');
    expect(weekJustEnded(new Date('2026-03-29T23:00:00Z'), TZ)).toBe('2026-03-23');
    expect(weekJustEnded(new Date('2026-10-25T23:59:59Z'), TZ)).toBe('2026-10-12');
    expect(weekJustEnded(new Date('2026-10-26T00:00:00Z'), TZ)).toBe('2026-10-19');
    // Another zone gives another answer for the same instant.
    expect(weekJustEnded(new Date('2026-03-29T23:00:00Z'), 'America/New_York')).toBe('2026-03-16');
  });

  it('lists recent weeks newest first', () => {
    expect(recentWeeks('2026-03-04', 3)).toEqual(['2026-03-02', '2026-02-23', '2026-02-16']);
    expect(addDays('2026-03-28', 2)).toBe('2026-03-30');
  });
});
