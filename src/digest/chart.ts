import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { formatShortDate } from './dates.js';
import { blendPalette, encodeIndexedPng, hexToRgb } from './indexed-png.js';
import type { ChartSeries } from './types.js';

export interface ChartOptions {
  /** Pixel width of the PNG. */
  width?: number;
  /** Pixel height of the PNG. */
  height?: number;
  title?: string;
  /** Extra font files to load (TTF/OTF); the usual system locations are tried as well. */
  fontFiles?: string[];
}

export interface ChartImage {
  png: Uint8Array;
  svg: string;
  width: number;
  height: number;
}

/** Okabe–Ito palette (readable with colour-vision deficiency), then two greys. */
export const PALETTE = ['#0072B2', '#E69F00', '#009E73', '#D55E00', '#CC79A7', '#56B4E9', '#F0E442', '#7F7F7F', '#333333'];

const CHART_PNG_PALETTE = blendPalette(PALETTE.map(hexToRgb));

const require = createRequire(import.meta.url);
/** resvg's native renderer (about 2 MB resident), loaded the first time a chart is drawn rather than at start. */
let resvgModule: typeof import('@resvg/resvg-js') | undefined;
const loadResvg = () => (resvgModule ??= require('@resvg/resvg-js') as typeof import('@resvg/resvg-js'));

/** Fonts shipped by common Linux images; resvg also scans system font folders. */
const KNOWN_FONTS = [
  '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf',
  '/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf',
  '/usr/share/fonts/dejavu/DejaVuSans.ttf',
  '/usr/share/fonts/TTF/DejaVuSans.ttf',
  '/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf',
  '/Library/Fonts/Arial.ttf',
  '/System/Library/Fonts/Supplemental/Arial.ttf',
  'C:\\Windows\\Fonts\\arial.ttf',
];
const FONT_STACK = "'DejaVu Sans', 'Liberation Sans', Arial, Helvetica, sans-serif";

function escapeXml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!);
}

/** A round axis maximum and step with 4–6 gridlines. */
export function niceScale(max: number): { max: number; step: number } {
  if (max <= 0) return { max: 10, step: 2 };
  const rough = max / 5;
  const mag = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= rough) ?? 10 * mag;
  return { max: Math.ceil(max / step) * step, step };
}

function truncate(label: string, max: number): string {
  return label.length <= max ? label : label.slice(0, max - 1) + '…';
}

/** SVG line chart: weekly attendances per centre. Gaps (no return) break the line. */
export function attendanceChartSvg(weeks: string[], series: ChartSeries[], options: ChartOptions = {}): string {
  const width = options.width ?? 960;
  const height = options.height ?? 540;
  const title = options.title ?? 'Weekly attendances per centre';
  const legendWidth = 250;
  const m = { top: 56, right: legendWidth + 20, bottom: 56, left: 64 };
  const plotW = width - m.left - m.right;
  const plotH = height - m.top - m.bottom;
  const maxValue = Math.max(0, ...series.flatMap((s) => s.values.map((v) => v ?? 0)));
  const scale = niceScale(maxValue);
  const x = (i: number) => m.left + (weeks.length <= 1 ? plotW / 2 : (plotW * i) / (weeks.length - 1));
  const y = (v: number) => m.top + plotH - (plotH * v) / scale.max;

  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="${FONT_STACK}">`,
  );
  out.push(`<rect width="${width}" height="${height}" fill="#ffffff"/>`);
  out.push(`<text x="${m.left}" y="32" font-size="20" font-weight="bold" fill="#222">${escapeXml(title)}</text>`);

  for (let v = 0; v <= scale.max + 1e-9; v += scale.step) {
    const yy = y(v).toFixed(1);
    out.push(`<line x1="${m.left}" y1="${yy}" x2="${m.left + plotW}" y2="${yy}" stroke="#e3e3e3" stroke-width="1"/>`);
    out.push(
      `<text x="${m.left - 8}" y="${yy}" font-size="12" fill="#555" text-anchor="end" dominant-baseline="middle">${Math.round(v).toLocaleString('en-GB')}</text>`,
    );
  }
  out.push(`<line x1="${m.left}" y1="${m.top + plotH}" x2="${m.left + plotW}" y2="${m.top + plotH}" stroke="#999" stroke-width="1"/>`);
  weeks.forEach((w, i) => {
    if (weeks.length > 8 && i % 2 === 1 && i !== weeks.length - 1) return;
    out.push(
      `<text x="${x(i).toFixed(1)}" y="${m.top + plotH + 20}" font-size="12" fill="#555" text-anchor="middle">${escapeXml(formatShortDate(w))}</text>`,
    );
  });
  out.push(
    `<text x="${m.left + plotW / 2}" y="${height - 12}" font-size="12" fill="#555" text-anchor="middle">Week beginning</text>`,
  );

  series.forEach((s, si) => {
    const colour = PALETTE[si % PALETTE.length];
    let segment: string[] = [];
    const flush = () => {
      if (segment.length > 1) {
        out.push(`<polyline points="${segment.join(' ')}" fill="none" stroke="${colour}" stroke-width="2.5" stroke-linejoin="round"/>`);
      }
      segment = [];
    };
    s.values.forEach((v, i) => {
      if (v === null) return flush();
      const px = `${x(i).toFixed(1)},${y(v).toFixed(1)}`;
      segment.push(px);
      out.push(`<circle cx="${x(i).toFixed(1)}" cy="${y(v).toFixed(1)}" r="3.5" fill="${colour}"/>`);
    });
    flush();
    const ly = m.top + 8 + si * 22;
    const lx = width - legendWidth;
    out.push(`<rect x="${lx}" y="${ly - 6}" width="14" height="12" rx="2" fill="${colour}"/>`);
    out.push(`<text x="${lx + 22}" y="${ly}" font-size="13" fill="#222" dominant-baseline="middle">${escapeXml(truncate(s.label, 28))}</text>`);
  });
  if (series.length === 0) {
    out.push(
      `<text x="${m.left + plotW / 2}" y="${m.top + plotH / 2}" font-size="16" fill="#777" text-anchor="middle">No returns in these weeks</text>`,
    );
  }
  out.push('</svg>');
  return out.join('\n');
}

/** Render the chart to PNG in process (no network, no browser). */
export function renderAttendanceChart(weeks: string[], series: ChartSeries[], options: ChartOptions = {}): ChartImage {
  const svg = attendanceChartSvg(weeks, series, options);
  const fontFiles = [...(options.fontFiles ?? []), ...KNOWN_FONTS].filter((f) => existsSync(f));
  const { Resvg } = loadResvg();
  const resvg = new Resvg(svg, {
    fitTo: { mode: 'original' },
    // Scanning every system font is slow; only do it when none of the known files exists.
    font: { loadSystemFonts: fontFiles.length === 0, fontFiles, defaultFontFamily: 'DejaVu Sans', sansSerifFamily: 'DejaVu Sans' },
  });
  const rendered = resvg.render();
  // Every colour drawn is a palette colour or grey, anti-aliased on white: an indexed PNG keeps the look at
  // about a third of the size (chat platforms cap message sizes).
  const png = encodeIndexedPng(new Uint8Array(rendered.pixels), rendered.width, rendered.height, CHART_PNG_PALETTE);
  return { png, svg, width: rendered.width, height: rendered.height };
}
