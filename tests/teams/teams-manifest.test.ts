import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import JSZip from 'jszip';
import { afterAll, describe, expect, it } from 'vitest';
import { buildTeamsPackage, MANIFEST_DIR, pngInfo, TeamsPackageError, validateManifest } from '../../scripts/teams-package.js';
import { OUTLINE_SVG, COLOR_SVG, renderPixels, renderPng } from '../../scripts/teams-icons.js';

const APP_ID = '0f8e6a2c-1b3d-4e5f-8a9b-0c1d2e3f4a5b';
const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});
async function tempZip(): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), 'teams-pkg-'));
  dirs.push(d);
  return join(d, 'teams-app.zip');
}

describe('Teams manifest and icons', () => {
  it('the committed icons are the script’s drawings at the sizes Teams requires', async () => {
    const color = await readFile(join(MANIFEST_DIR, 'color.png'));
    const outline = await readFile(join(MANIFEST_DIR, 'outline.png'));
    expect(pngInfo(color)).toEqual({ width: 192, height: 192, hasAlpha: true });
    expect(pngInfo(outline)).toEqual({ width: 32, height: 32, hasAlpha: true });
    expect(color.equals(renderPng(COLOR_SVG, 192))).toBe(true);
    expect(outline.equals(renderPng(OUTLINE_SVG, 32))).toBe(true);
  });

  it('the outline icon is white on transparent only', () => {
    const { pixels } = renderPixels(OUTLINE_SVG, 32);
    let opaque = 0;
    for (let i = 0; i < pixels.length; i += 4) {
      const [r, g, b, a] = [pixels[i]!, pixels[i + 1]!, pixels[i + 2]!, pixels[i + 3]!];
      if (a === 0) continue;
      opaque++;
      // Premultiplied anti-aliased edges: colour channels equal alpha means pure white.
      expect([r, g, b]).toEqual([a, a, a]);
    }
    expect(opaque).toBeGreaterThan(50);
    expect(pixels[3]).toBe(0); // the corner is transparent
  });

  it('the template lists the chat commands and leaves ids as placeholders', async () => {
    const m = JSON.parse(await readFile(join(MANIFEST_DIR, 'manifest.json'), 'utf8'));
    expect(m.id).toBe('${{MICROSOFT_APP_ID}}');
    expect(m.bots[0].botId).toBe('${{MICROSOFT_APP_ID}}');
    const personal = m.bots[0].commandLists.find((l: any) => l.scopes.includes('personal'));
    expect(personal.commands.map((c: any) => c.title)).toEqual(expect.arrayContaining(['ask', 'attendance', 'attendance status', 'digest']));
  });

  it('validation catches what Teams would reject', () => {
    const tiny = renderPng(OUTLINE_SVG, 32);
    const problems = validateManifest(
      { $schema: 'https://developer.microsoft.com/en-us/json-schemas/teams/v1.17/MicrosoftTeams.schema.json', manifestVersion: '1.17', id: 'not-a-guid', bots: [{ botId: APP_ID, scopes: ['personal'] }] },
      { color: tiny, outline: Buffer.from('not a png') },
    );
    expect(problems).toEqual(
      expect.arrayContaining([
        'id must be a GUID, got "not-a-guid"',
        'developer.name is required',
        'bots[0].scopes must include team',
        'color icon must be 192x192, is 32x32',
        'outline icon is not a PNG',
      ]),
    );
  });
});

describe('npm run package:teams', () => {
  it('fails clearly without MICROSOFT_APP_ID, or with one that is not a GUID', async () => {
    const out = await tempZip();
    await expect(buildTeamsPackage({ env: {}, outFile: out })).rejects.toThrow(/MICROSOFT_APP_ID is not set/);
    await expect(buildTeamsPackage({ env: { MICROSOFT_APP_ID: 'abc' }, outFile: out })).rejects.toBeInstanceOf(TeamsPackageError);
  });

  it('zips a valid manifest with the ids filled in and both icons', async () => {
    const out = await tempZip();
    await buildTeamsPackage({ env: { MICROSOFT_APP_ID: APP_ID }, outFile: out });
    const zip = await JSZip.loadAsync(await readFile(out));
    expect(Object.keys(zip.files).sort()).toEqual(['color.png', 'manifest.json', 'outline.png']);
    const manifest = JSON.parse(await zip.file('manifest.json')!.async('string'));
    expect(manifest.id).toBe(APP_ID);
    expect(manifest.bots[0].botId).toBe(APP_ID);
    expect(JSON.stringify(manifest)).not.toContain('${{');
    expect(manifest.version).toMatch(/^\d+\.\d+\.\d+$/);
    const color = await zip.file('color.png')!.async('uint8array');
    const outline = await zip.file('outline.png')!.async('uint8array');
    expect(validateManifest(manifest, { color, outline })).toEqual([]);
  });
});
