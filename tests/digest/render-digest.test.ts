import { existsSync } from 'node:fs';
import { Resvg } from '@resvg/resvg-js';
import { describe, expect, it } from 'vitest';
import { buildDigest } from '../../src/digest/build-digest.js';
import { renderDigest } from '../../src/digest/render-digest.js';
import { renderAttendanceChart } from '../../src/digest/chart.js';
import { DigestService, type DigestServiceOptions } from '../../src/digest/digest-service.js';
import { startOfLocalDay } from '../../src/shared/calendar.js';
import type { Actor, Person } from '../../src/directory/types.js';
import { NotAuthorisedError } from '../../src/errors.js';
import { centre, stored } from './fixtures.js';

/** Width and height from a PNG's IHDR chunk. */
export function pngSize(png: Uint8Array): { width: number; height: number } {
  const sig = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  sig.forEach((b, i) => expect(png[i]).toBe(b));
  expect(Buffer.from(png.subarray(12, 16)).toString('ascii')).toBe('IHDR');
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  return { width: view.getUint32(16), height: view.getUint32(20) };
}

const W = '2026-11-16';
const FONTS = ['/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf', '/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf'].filter((f) => existsSync(f));
const centres = [centre('acland-burghley', 'Acland Burghley'), centre('euston-skills', 'Euston Skills Centre')];
const returns = [stored('acland-burghley', W, { sessions: 6, academic: 3, attendances: 120, pupils: 40, fsm: 10, send: 4 })];

describe('renderDigest', () => {
  it('renders heading, totals, table, missing notice, knowledge gaps and a PNG chart', () => {
    const missing = [{ centreId: 'euston-skills', centreName: 'Euston Skills Centre', paused: false }];
    const model = buildDigest({ weekStart: W, centres, returns, missing, knowledgeGaps: [{ question: 'Who runs <b>CPD</b>?', count: 3 }], timeZone: 'Europe/London' });
    const reply = renderDigest(model);
    expect(reply.text).toContain('120 attendances');
    expect(reply.text).toContain('1 missing');
    const kinds = reply.blocks.map((b) => b.kind);
    expect(kinds[0]).toBe('heading');
    const table = reply.blocks.find((b) => b.kind === 'table')!;
    expect(table.kind === 'table' && table.rows).toEqual([
      ['Acland Burghley', '6', '120', '40', '25%', '10%', '50%', '0', '–'],
      ['Euston Skills Centre', 'no return', '–', '–', '–', '–', '–', '–', '–'],
    ]);
    const missingNotice = reply.blocks.find((b) => b.kind === 'notice' && b.tone === 'warning');
    expect(missingNotice && 'text' in missingNotice && missingNotice.text).toContain('Euston Skills Centre');
    // Rendered for a channel by default: counts only, never what staff typed.
    expect(JSON.stringify(reply)).not.toContain('Who runs');
    const personal = renderDigest(model, { audience: 'person' });
    expect(JSON.stringify(personal)).toContain('3 × Who runs <b>CPD</b>?');
    const image = reply.blocks.find((b) => b.kind === 'image');
    expect(image?.kind).toBe('image');
    if (image?.kind !== 'image') return;
    expect(image.png.length).toBeGreaterThan(5000);
    expect(pngSize(image.png)).toEqual({ width: 960, height: 540 });
    expect({ width: image.width, height: image.height }).toEqual({ width: 960, height: 540 });
  });

  it('writes a compact indexed PNG that decodes back to the rendered chart', () => {
    const weeks = Array.from({ length: 12 }, (_, i) => new Date(Date.UTC(2026, 7, 31 + 7 * i)).toISOString().slice(0, 10));
    const series = Array.from({ length: 8 }, (_, k) => ({ label: `Centre ${k}`, values: weeks.map((_, i) => 80 + k * 30 + ((i * 7 + k) % 20)) }));
    const img = renderAttendanceChart(weeks, series);
    expect(img.png[25]).toBe(3); // IHDR colour type: indexed
    expect(img.png.length).toBeLessThan(25_000);
    // Decode our PNG with resvg (as an embedded image) and compare with a direct RGBA render of the same SVG.
    const direct = new Resvg(img.svg, { font: { loadSystemFonts: false, fontFiles: FONTS } }).render().pixels;
    const wrapped = `<svg xmlns="http://www.w3.org/2000/svg" width="960" height="540"><image width="960" height="540" href="data:image/png;base64,${Buffer.from(img.png).toString('base64')}"/></svg>`;
    const decoded = new Resvg(wrapped).render().pixels;
    expect(decoded.length).toBe(direct.length);
    let diff = 0;
    for (let i = 0; i < direct.length; i += 4) diff += Math.abs(direct[i] - decoded[i]) + Math.abs(direct[i + 1] - decoded[i + 1]) + Math.abs(direct[i + 2] - decoded[i + 2]);
    expect(diff / (direct.length / 4) / 3).toBeLessThan(2); // mean error per channel, out of 255
  });

  it('escapes centre names in the SVG and honours the requested size', () => {
    const img = renderAttendanceChart(['2026-11-09', W], [{ label: 'A & B <Centre>', values: [1, 2] }], { width: 640, height: 360 });
    expect(img.svg).toContain('A &amp; B &lt;Centre&gt;');
    expect(pngSize(img.png)).toEqual({ width: 640, height: 360 });
  });
});

describe('DigestService.latestDigestFor', () => {
  const person = (roles: Person['roles'], centresLed: string[] = []): Actor => ({
    identity: { platform: 'slack', user: 'U1', team: 'T1' },
    person: { id: 1, name: 'X', email: 'x@example.org', roles, centres: centresLed },
  });
  const calls: string[] = [];
  const attendance: DigestServiceOptions['attendance'] = {
    listReturns: async (from: string, to: string) => {
      calls.push(`${from}..${to}`);
      return returns;
    },
    amendedSince: async () => [],
    missingReturns: async (week: string) => {
      calls.push(`missing ${week}`);
      return [{ centreId: 'euston-skills', centreName: 'Euston Skills Centre', paused: false }];
    },
  };
  const questionLog: DigestServiceOptions['questionLog'] = {
    gapEntries: async (from, to) => {
      calls.push(`${from.toISOString()}..${to.toISOString()}`);
      return [];
    },
  };
  // Monday 23 Nov 2026, 16:00 London: the latest digest is for the week of 16 Nov.
  const service = new DigestService({
    attendance,
    directory: { listCentres: async () => centres },
    questionLog,
    timeZone: 'Europe/London',
    now: () => new Date('2026-11-23T16:00:00Z'),
    render: { chart: false },
  });

  it('gives network leads and admins the last complete week', async () => {
    const reply = await service.latestDigestFor(person(['network_lead']));
    expect(reply.blocks[0]).toEqual({ kind: 'heading', text: 'Weekly attendance digest: 16 Nov 2026 – 22 Nov 2026' });
    expect(calls).toContain('2026-08-31..2026-11-16');
    expect(calls).toContain('missing 2026-11-16');
    expect(calls).toContain('2026-11-16T00:00:00.000Z..2026-11-23T00:00:00.000Z');
    await expect(service.latestDigestFor(person(['admin']))).resolves.toHaveProperty('text');
  });

  it('gives a chosen week\'s digest (/digest week YYYY-MM-DD), says when the week is still in progress, refuses one not begun', async () => {
    const lead = person(['network_lead']);
    const older = await service.digestForWeek(lead, '2026-11-04');
    expect(older.blocks[0]).toEqual({ kind: 'heading', text: 'Weekly attendance digest: 2 Nov 2026 – 8 Nov 2026' });
    const current = await service.digestForWeek(lead, '2026-11-25');
    expect(current.blocks[1]).toMatchObject({ kind: 'notice', text: expect.stringMatching(/^This week is not over yet/) });
    await expect(service.digestForWeek(lead, '2026-12-01')).rejects.toThrow(/has not started yet/);
    await expect(service.digestForWeek(person(['oc_lead'], ['acland-burghley']), '2026-11-04')).rejects.toBeInstanceOf(NotAuthorisedError);
  });

  it('refuses a centre lead and plain staff', async () => {
    await expect(service.latestDigestFor(person(['oc_lead'], ['acland-burghley']))).rejects.toBeInstanceOf(NotAuthorisedError);
    await expect(service.latestDigestFor({ identity: { platform: 'teams', aadObjectId: 'a', tenantId: 't' }, person: null })).rejects.toThrow(
      /network leads and admins/,
    );
  });

  it('converts London midnight to UTC on both sides of the clock change', () => {
    expect(startOfLocalDay('2026-07-06', 'Europe/London').toISOString()).toBe('2026-07-05T23:00:00.000Z');
    expect(startOfLocalDay('2026-01-05', 'Europe/London').toISOString()).toBe('2026-01-05T00:00:00.000Z');
    expect(startOfLocalDay('2026-03-30', 'Europe/London').toISOString()).toBe('2026-03-29T23:00:00.000Z');
  });
});
