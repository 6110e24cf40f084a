/**
 * Builds the Teams app package: manifest/teams/manifest.json with ids filled from the environment, plus the two
 * icons, zipped to build/teams-app.zip (upload it in Teams: Apps > Manage your apps > Upload an app).
 * Run: `MICROSOFT_APP_ID=<bot app id> npm run package:teams`.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import JSZip from 'jszip';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
export const MANIFEST_DIR = join(ROOT, 'manifest', 'teams');
export const DEFAULT_OUT = join(ROOT, 'build', 'teams-app.zip');

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const SEMVER = /^\d+\.\d+\.\d+$/;
const PLACEHOLDER = /\$\{\{([A-Z0-9_]+)\}\}/g;

export class TeamsPackageError extends Error {
  readonly code = 'teams_package_invalid';
  constructor(readonly problems: string[]) {
    super(`Cannot build the Teams app package:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'TeamsPackageError';
  }
}

/** Width, height and colour type from a PNG's IHDR chunk. */
export function pngInfo(buf: Uint8Array): { width: number; height: number; hasAlpha: boolean } | null {
  const sig = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  if (buf.length < 33 || sig.some((b, i) => buf[i] !== b)) return null;
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  if (String.fromCharCode(...buf.slice(12, 16)) !== 'IHDR') return null;
  const colorType = buf[25]!;
  return { width: view.getUint32(16), height: view.getUint32(20), hasAlpha: colorType === 4 || colorType === 6 };
}

/** Replace ${{NAME}} placeholders; every one must have a value. */
export function fillManifest(template: string, values: Record<string, string | undefined>): string {
  const missing = new Set<string>();
  const filled = template.replace(PLACEHOLDER, (_, name: string) => {
    const v = values[name]?.trim();
    if (!v) {
      missing.add(name);
      return '';
    }
    return v;
  });
  if (missing.size) {
    throw new TeamsPackageError([...missing].map((n) => `${n} is not set (needed to fill the manifest)`));
  }
  return filled;
}

type Json = Record<string, any>;

/** The checks Teams applies on upload that matter for this app; returns problems (empty = valid). */
export function validateManifest(m: Json, icons: { color: Uint8Array; outline: Uint8Array }): string[] {
  const p: string[] = [];
  const need = (path: string, v: unknown) => {
    if (v === undefined || v === null || v === '') p.push(`${path} is required`);
  };
  need('$schema', m.$schema);
  need('manifestVersion', m.manifestVersion);
  if (typeof m.$schema === 'string' && m.manifestVersion && !m.$schema.includes(`/v${m.manifestVersion}/`)) {
    p.push(`$schema does not match manifestVersion ${m.manifestVersion}`);
  }
  if (!SEMVER.test(String(m.version ?? ''))) p.push(`version must be x.y.z, got "${m.version}"`);
  if (!GUID.test(String(m.id ?? ''))) p.push(`id must be a GUID, got "${m.id}"`);
  for (const k of ['name', 'websiteUrl', 'privacyUrl', 'termsOfUseUrl']) need(`developer.${k}`, m.developer?.[k]);
  for (const k of ['websiteUrl', 'privacyUrl', 'termsOfUseUrl']) {
    if (m.developer?.[k] && !String(m.developer[k]).startsWith('https://')) p.push(`developer.${k} must be https`);
  }
  need('name.short', m.name?.short);
  if ((m.name?.short ?? '').length > 30) p.push('name.short must be at most 30 characters');
  if ((m.name?.full ?? '').length > 100) p.push('name.full must be at most 100 characters');
  need('description.short', m.description?.short);
  need('description.full', m.description?.full);
  if ((m.description?.short ?? '').length > 80) p.push('description.short must be at most 80 characters');
  if ((m.description?.full ?? '').length > 4000) p.push('description.full must be at most 4000 characters');
  if (!/^#[0-9a-fA-F]{6}$/.test(String(m.accentColor ?? ''))) p.push('accentColor must be #RRGGBB');
  need('icons.color', m.icons?.color);
  need('icons.outline', m.icons?.outline);

  const bot = m.bots?.[0];
  if (!bot) p.push('bots[0] is required');
  else {
    if (!GUID.test(String(bot.botId ?? ''))) p.push(`bots[0].botId must be a GUID, got "${bot.botId}"`);
    for (const s of ['personal', 'team', 'groupChat']) {
      if (!bot.scopes?.includes(s)) p.push(`bots[0].scopes must include ${s}`);
    }
    for (const [i, list] of (bot.commandLists ?? []).entries()) {
      if ((list.commands ?? []).length > 10) p.push(`bots[0].commandLists[${i}] has more than 10 commands`);
      for (const c of list.commands ?? []) {
        if (!c.title || c.title.length > 32) p.push(`command "${c.title}": title must be 1-32 characters`);
        if (!c.description || c.description.length > 128) p.push(`command "${c.title}": description must be 1-128 characters`);
      }
    }
  }

  const color = pngInfo(icons.color);
  if (!color) p.push('color icon is not a PNG');
  else if (color.width !== 192 || color.height !== 192) p.push(`color icon must be 192x192, is ${color.width}x${color.height}`);
  const outline = pngInfo(icons.outline);
  if (!outline) p.push('outline icon is not a PNG');
  else {
    if (outline.width !== 32 || outline.height !== 32) p.push(`outline icon must be 32x32, is ${outline.width}x${outline.height}`);
    if (!outline.hasAlpha) p.push('outline icon must have a transparent background');
  }
  return p;
}

export interface PackageOptions {
  env?: NodeJS.ProcessEnv;
  manifestDir?: string;
  outFile?: string;
}

export async function buildTeamsPackage(opts: PackageOptions = {}): Promise<{ outFile: string; manifest: Json }> {
  const env = opts.env ?? process.env;
  const dir = opts.manifestDir ?? MANIFEST_DIR;
  const outFile = resolve(opts.outFile ?? DEFAULT_OUT);
  const appId = env.MICROSOFT_APP_ID?.trim();
  if (!appId) {
    throw new TeamsPackageError(['MICROSOFT_APP_ID is not set: use the Microsoft app id of your Azure Bot (a GUID)']);
  }
  if (!GUID.test(appId)) throw new TeamsPackageError([`MICROSOFT_APP_ID must be a GUID, got "${appId}"`]);
  const pkg = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as { version: string };
  const template = await readFile(join(dir, 'manifest.json'), 'utf8');
  const filled = fillManifest(template, { ...env, MICROSOFT_APP_ID: appId, APP_VERSION: pkg.version });
  const manifest = JSON.parse(filled) as Json;
  const color = await readFile(join(dir, manifest.icons?.color ?? 'color.png'));
  const outline = await readFile(join(dir, manifest.icons?.outline ?? 'outline.png'));
  const problems = validateManifest(manifest, { color, outline });
  if (problems.length) throw new TeamsPackageError(problems);

  const zip = new JSZip();
  zip.file('manifest.json', JSON.stringify(manifest, null, 2));
  zip.file(manifest.icons.color, color);
  zip.file(manifest.icons.outline, outline);
  await mkdir(dirname(outFile), { recursive: true });
  await writeFile(outFile, await zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' }));
  return { outFile, manifest };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  buildTeamsPackage().then(
    ({ outFile }) => process.stdout.write(`Teams app package written to ${outFile}\n`),
    (err: unknown) => {
      process.stderr.write(`${(err as Error).message}\n`);
      process.exitCode = 1;
    },
  );
}
