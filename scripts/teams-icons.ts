/**
 * Draws the Teams app icons from SVG: color.png (192×192, full colour) and outline.png (32×32, white on
 * transparent), as Teams requires. Run: `npx tsx scripts/teams-icons.ts` (output is committed).
 */
import { writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Resvg } from '@resvg/resvg-js';

const MANIFEST_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'manifest', 'teams');

/** A speech bubble holding an open book: questions answered from documents. */
export const COLOR_SVG = `<svg xmlns="http://www.w3.org/2000/svg" width="192" height="192" viewBox="0 0 192 192">
  <rect width="192" height="192" rx="36" fill="#0B5CAD"/>
  <path d="M40 48h112a12 12 0 0 1 12 12v60a12 12 0 0 1-12 12H92l-30 24v-24H40a12 12 0 0 1-12-12V60a12 12 0 0 1 12-12z" fill="#FFFFFF"/>
  <path d="M58 70c12-4 24-3 36 4v42c-12-7-24-8-36-4z" fill="#0B5CAD"/>
  <path d="M134 70c-12-4-24-3-36 4v42c12-7 24-8 36-4z" fill="#2E8B57"/>
</svg>`;

/** Outline icon: white strokes on a transparent background, no padding colour. */
export const OUTLINE_SVG = `<svg xmlns="http://www.w3.org/2000/svg" width="32" height="32" viewBox="0 0 32 32">
  <path d="M6 7h20a2 2 0 0 1 2 2v11a2 2 0 0 1-2 2H15l-6 5v-5H6a2 2 0 0 1-2-2V9a2 2 0 0 1 2-2z" fill="none" stroke="#FFFFFF" stroke-width="2" stroke-linejoin="round"/>
  <path d="M10 12c2-1 4-1 6 1v6c-2-2-4-2-6-1zM22 12c-2-1-4-1-6 1v6c2-2 4-2 6-1z" fill="#FFFFFF"/>
</svg>`;

export function renderPng(svg: string, width: number): Buffer {
  return Buffer.from(new Resvg(svg, { fitTo: { mode: 'width', value: width }, background: 'rgba(0,0,0,0)' }).render().asPng());
}

/** RGBA pixels of an SVG rendering, for checks (outline must be white or transparent). */
export function renderPixels(svg: string, width: number): { width: number; height: number; pixels: Uint8Array } {
  const img = new Resvg(svg, { fitTo: { mode: 'width', value: width }, background: 'rgba(0,0,0,0)' }).render();
  return { width: img.width, height: img.height, pixels: new Uint8Array(img.pixels) };
}

export async function writeIcons(dir = MANIFEST_DIR): Promise<{ color: string; outline: string }> {
  const color = join(dir, 'color.png');
  const outline = join(dir, 'outline.png');
  await writeFile(color, renderPng(COLOR_SVG, 192));
  await writeFile(outline, renderPng(OUTLINE_SVG, 32));
  return { color, outline };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  writeIcons().then(
    (p) => process.stdout.write(`wrote ${p.color} and ${p.outline}\n`),
    (err: unknown) => {
      process.stderr.write(`teams-icons: ${(err as Error).message}\n`);
      process.exitCode = 1;
    },
  );
}
