/**
 * The house's layers, read from the import statements of every source file (TypeScript's own pre-parser, so type
 * imports, re-exports and import() calls all count, and comments and strings do not).
 *
 *   0 shared   src/shared/, src/config.ts, src/errors.ts, src/logger.ts     vocabulary every layer may use
 *   1 domain   src/store/, src/knowledge/, src/directory/, src/attendance/, src/digest/
 *   2 core     src/bot/                                                      the conversation core
 *   3 edges    adapters/ (Slack, Teams) and jobs/ (BullMQ)                   neither imports the other
 *   4 app      app/                                                          the composition root and entry points
 *
 * A file may import its own layer or any layer below it. Platform SDKs stay in adapters/, queue libraries in jobs/.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, normalize, relative, sep } from 'node:path';
import ts from 'typescript';

export const LAYERS = ['shared', 'domain', 'core', 'edges', 'app'] as const;
export type Layer = (typeof LAYERS)[number];

/** Which layer a repository path belongs to; null for a path outside the layered code (tests, bench, scripts). */
export function layerOf(path: string): { layer: Layer; area: string } | null {
  const p = path.split(sep).join('/');
  if (/^src\/shared\//.test(p) || /^src\/(config|errors|logger)\.ts$/.test(p)) return { layer: 'shared', area: 'shared' };
  const domain = /^src\/(store|knowledge|directory|attendance|digest)\//.exec(p);
  if (domain) return { layer: 'domain', area: domain[1]! };
  if (/^src\/bot\//.test(p)) return { layer: 'core', area: 'bot' };
  const edge = /^(adapters\/(slack|teams)|jobs)\//.exec(p);
  if (edge) return { layer: 'edges', area: edge[1]! };
  if (/^app\//.test(p)) return { layer: 'app', area: 'app' };
  return null;
}

/** Bare module names allowed only inside one area, with the reason given in a failure. */
const CONFINED: { pattern: RegExp; only: RegExp; what: string }[] = [
  { pattern: /^(@slack\/|botbuilder|@microsoft\/)/, only: /^adapters\//, what: 'a platform SDK (only adapters/ may use it)' },
  { pattern: /^(bullmq|ioredis|@bull-board\/)/, only: /^jobs\//, what: 'a queue library (only jobs/ may use it)' },
  { pattern: /^express$/, only: /^(app|adapters|jobs)\//, what: 'an HTTP server library (not under src/)' },
];

export interface SourceFile {
  /** Repository-relative path with forward slashes. */
  path: string;
  text: string;
}

export interface Violation {
  file: string;
  imports: string;
  why: string;
}

export function importsOf(text: string): string[] {
  const info = ts.preProcessFile(text, true, true);
  return info.importedFiles.map((f) => f.fileName);
}

export function violations(files: SourceFile[]): Violation[] {
  const out: Violation[] = [];
  for (const file of files) {
    const from = layerOf(file.path);
    if (!from) {
      out.push({ file: file.path, imports: '', why: 'is in no layer: place it in src/shared, a domain folder, src/bot, adapters/, jobs/ or app/ (and in tests/architecture/layers.ts)' });
      continue;
    }
    for (const spec of importsOf(file.text)) {
      if (spec.startsWith('.')) {
        const target = normalize(join(dirname(file.path), spec)).split(sep).join('/').replace(/\.js$/, '.ts');
        const to = layerOf(target);
        if (!to) {
          out.push({ file: file.path, imports: spec, why: `imports ${target}, which is outside the layered code` });
          continue;
        }
        if (LAYERS.indexOf(to.layer) > LAYERS.indexOf(from.layer)) {
          out.push({ file: file.path, imports: spec, why: `${from.layer} imports upward into ${to.layer} (${target})` });
        } else if (from.layer === 'edges' && to.layer === 'edges' && from.area !== to.area) {
          out.push({ file: file.path, imports: spec, why: `${from.area}/ imports ${to.area}/: edges meet only in app/` });
        }
        continue;
      }
      for (const rule of CONFINED) {
        if (rule.pattern.test(spec) && !rule.only.test(file.path)) out.push({ file: file.path, imports: spec, why: `imports ${rule.what}` });
      }
    }
  }
  return out;
}

/** Every .ts/.mts/.mjs file under the layered folders of the repository at `root`. */
export function sourceFiles(root: string): SourceFile[] {
  const files: SourceFile[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const full = join(dir, name);
      if (statSync(full).isDirectory()) walk(full);
      else if (/\.(ts|mts|mjs)$/.test(name) && !name.endsWith('.d.ts')) {
        files.push({ path: relative(root, full).split(sep).join('/'), text: readFileSync(full, 'utf8') });
      }
    }
  };
  for (const top of ['src', 'adapters', 'jobs', 'app']) walk(join(root, top));
  return files;
}
