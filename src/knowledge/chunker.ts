import type { Block, Chunk, LoadedDocument } from './model.js';
import { parseDocument } from './structure.js';
import { withoutInstructions } from './document-instructions.js';

export interface ChunkOptions {
  /** A chunk is closed once it holds at least this many words (default 110). */
  targetWords?: number;
  /** A chunk never grows past this many words unless one paragraph alone is longer (then it is split by sentence). */
  maxWords?: number;
}

export interface Section {
  heading: string;
  blocks: Block[];
}

/** Group blocks into sections: a run of headings with no text between them becomes one joint heading. */
export function toSections(blocks: Block[], title: string): Section[] {
  const sections: Section[] = [];
  const path: { level: number; text: string }[] = [];
  let current: Section | undefined;
  let pendingHeadings: string[] = [];
  for (const b of blocks) {
    if (b.kind === 'heading') {
      if (b.level > 1) {
        while (path.length && path[path.length - 1]!.level >= b.level) path.pop();
        const parents = path.map((p) => p.text).filter((t) => t !== title);
        path.push({ level: b.level, text: b.text });
        pendingHeadings.push([...parents, b.text].join(' › '));
      } else {
        path.length = 0;
        path.push({ level: 1, text: b.text });
        pendingHeadings.push(b.text);
      }
      current = undefined;
      continue;
    }
    if (!current) {
      current = { heading: pendingHeadings.length ? pendingHeadings.join('; ') : title, blocks: [] };
      sections.push(current);
      pendingHeadings = [];
    }
    current.blocks.push(b);
  }
  return sections;
}

/** A paragraph, or a list with the sentence that introduces it ("We will:" and its items), kept together. */
interface Unit {
  text: string;
  words: number;
}

function toUnits(blocks: Block[]): Unit[] {
  const units: Unit[] = [];
  let list: string[] | undefined;
  for (const b of blocks) {
    if (b.kind === 'bullet') {
      if (!list) {
        list = [];
        const prev = units[units.length - 1];
        if (prev && prev.text.endsWith(':')) {
          units.pop();
          list.push(prev.text);
        }
      }
      list.push(`• ${b.text}`);
      continue;
    }
    if (list) {
      units.push(unit(list.join('\n')));
      list = undefined;
    }
    units.push(unit(b.text));
  }
  if (list) units.push(unit(list.join('\n')));
  return units;
}

function unit(text: string): Unit {
  return { text, words: wordCount(text) };
}

function wordCount(text: string): number {
  return text.split(/\s+/).filter(Boolean).length;
}

/** Split an over-long unit at sentence or list-item boundaries into pieces of at most `max` words. */
function splitUnit(u: Unit, max: number): Unit[] {
  if (u.words <= max) return [u];
  const pieces = u.text.split(/(?<=[.!?])\s+(?=[\p{Lu}\d‘“"(£])|\n/u);
  const out: Unit[] = [];
  let buf: string[] = [];
  let words = 0;
  for (const p of pieces) {
    const w = wordCount(p);
    if (buf.length && words + w > max) {
      out.push(unit(buf.join(u.text.includes('\n') ? '\n' : ' ')));
      buf = [];
      words = 0;
    }
    buf.push(p);
    words += w;
  }
  if (buf.length) out.push(unit(buf.join(u.text.includes('\n') ? '\n' : ' ')));
  return out;
}

/** Chunk one loaded document by structure. */
export function chunkDocument(doc: LoadedDocument, options: ChunkOptions = {}): { title: string; chunks: Chunk[]; sections: number } {
  const target = options.targetWords ?? 110;
  const max = options.maxWords ?? 260;
  const parsed = parseDocument(doc);
  const title = parsed.title;
  const blocks = parsed.blocks
    .map((b): Block => (b.kind === 'heading' ? b : { ...b, text: withoutInstructions(b.text) }))
    .filter((b) => b.text.trim() !== '');
  const sections = toSections(blocks, title);
  const chunks: Chunk[] = [];
  for (const section of sections) {
    const units = toUnits(section.blocks).flatMap((u) => splitUnit(u, max));
    const sectionStart = chunks.length;
    let buf: Unit[] = [];
    let words = 0;
    const flush = () => {
      if (!buf.length) return;
      const ordinal = chunks.length;
      chunks.push({
        id: `${doc.source}#${ordinal}`,
        source: doc.source,
        title,
        section: section.heading,
        text: buf.map((u) => u.text).join('\n\n'),
        ordinal,
      });
      buf = [];
      words = 0;
    };
    for (const u of units) {
      if (buf.length && (words >= target || words + u.words > max)) flush();
      buf.push(u);
      words += u.words;
    }
    // A short tail is merged into the previous chunk of the same section rather than left on its own.
    if (buf.length && words < target / 3 && chunks.length > sectionStart) {
      const prev = chunks[chunks.length - 1]!;
      if (wordCount(prev.text) + words <= max) {
        prev.text += '\n\n' + buf.map((u) => u.text).join('\n\n');
        buf = [];
      }
    }
    flush();
  }
  return { title, chunks, sections: sections.length };
}
