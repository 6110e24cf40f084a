import type { Block, LoadedDocument } from './model.js';

/**
 * Turn a loaded document into a clean sequence of headings, paragraphs and list items.
 *
 * PDF-extracted text (the .txt corpus files are PDF extractions) needs repair: pages are glued together (a page
 * starts on a line beginning with one space), paragraphs are broken across columns, lines are hard-wrapped,
 * footnotes sit at the foot of pages, footnote markers are glued to words ("peers1."), page numbers and list
 * numbers float on their own lines, and pull quotes repeat sentences from the body. Headings are recognised by
 * shape: Markdown '#', numbered headings ("Goal 13: ...", "Ambition 2 ...", "1. Anchor development ..."), and short
 * title lines without closing punctuation.
 */
export function parseDocument(doc: LoadedDocument): { title: string; blocks: Block[] } {
  const pages = doc.pdfLike ? splitPdfPages(doc.pages) : doc.pages.map((p) => cleanMarkdownInline(p));
  const vocab = doc.pdfLike ? wordForms(pages.join('\n')) : undefined;
  const headerLines = doc.pdfLike ? runningHeaders(pages) : new Set<string>();

  let blocks: Block[] = [];
  let listContext = false;
  for (const page of pages) {
    const rawBlocks = splitBlocks(page, headerLines, doc.pdfLike);
    if (doc.pdfLike) dropFootnoteBlock(rawBlocks);
    // After "... three development priorities:" short title-like lines are list items, not headings, until
    // the list is over (a paragraph, a marked bullet or a new page).
    listContext = false;
    for (const lines of rawBlocks) {
      const items = parseBlock(lines, doc.pdfLike, listContext, vocab);
      for (const item of items) {
        const { fromHeadingShape, ...block } = item;
        blocks.push(block as Block);
        if (item.kind === 'para') listContext = item.text.endsWith(':');
        else if (item.kind === 'heading') listContext = false;
        else if (!fromHeadingShape) listContext = false;
      }
    }
  }

  blocks = joinBrokenParagraphs(blocks);
  if (doc.pdfLike) {
    blocks = dropPullQuotes(blocks);
  }
  blocks = blocks.filter((b) => b.text.trim().length > 0 && !(b.kind === 'heading' && /^(?:table of )?contents$/i.test(b.text)));

  let title = doc.title?.trim();
  const first = blocks[0];
  if (!title) {
    if (first?.kind === 'heading') title = first.text;
    else title = (first?.text ?? doc.source).split(/(?<=[.!?])\s/)[0]!.slice(0, 120);
  }
  if (first?.kind === 'heading' && normalise(first.text) === normalise(title)) blocks.shift();
  return { title: title || doc.source, blocks };
}

// ---------------------------------------------------------------------------------------------- pages and lines

/** A line that starts a new page in PDF-extracted text: one leading space, then a capital, digit or quote. */
const PAGE_START = /^ [\p{Lu}\d‘“"']/u;

function splitPdfPages(pages: string[]): string[] {
  const out: string[] = [];
  for (const page of pages) {
    let current: string[] = [];
    for (const line of page.replace(/\r\n?/g, '\n').split(/\n|\f/)) {
      if (PAGE_START.test(line) && current.some((l) => l.trim())) {
        out.push(current.join('\n'));
        current = [];
      }
      current.push(line);
    }
    if (current.length) out.push(current.join('\n'));
  }
  return out;
}

const PAGE_NUMBER = /^(?:page\s+)?\d{1,3}(?:\s*(?:of|\/)\s*\d{1,3})?$|^(?:\d{1,3}\s+){1,4}\d{1,3}$/i;
const TOC_LINE = /(?:\.{3,}|\t)\s*\d{1,3}\s*$/;

function isNoiseLine(line: string): boolean {
  const t = line.trim();
  return PAGE_NUMBER.test(t) || TOC_LINE.test(line);
}

/** Short lines repeated at the top or bottom of many pages (running headers and footers). */
function runningHeaders(pages: string[]): Set<string> {
  if (pages.length < 3) return new Set();
  const counts = new Map<string, number>();
  for (const page of pages) {
    const lines = page.split('\n').map((l) => l.trim()).filter(Boolean);
    const edge = new Set([...lines.slice(0, 2), ...lines.slice(-2)].map((l) => normalise(l.replace(/\d+/g, '#'))));
    for (const l of edge) if (l && l.split(' ').length <= 10) counts.set(l, (counts.get(l) ?? 0) + 1);
  }
  const min = Math.max(3, Math.ceil(pages.length * 0.4));
  return new Set([...counts].filter(([, n]) => n >= min).map(([l]) => l));
}

function splitBlocks(page: string, headerLines: Set<string>, pdfLike: boolean): string[][] {
  const blocks: string[][] = [];
  let current: string[] = [];
  for (const raw of page.split('\n')) {
    const line = raw.replace(/\s+$/, '');
    if (!line.trim()) {
      if (current.length) blocks.push(current);
      current = [];
      continue;
    }
    if (isNoiseLine(line)) continue;
    if (headerLines.size && headerLines.has(normalise(line.trim().replace(/\d+/g, '#')))) continue;
    let text = pdfLike ? stripFootnoteMarkers(line.trim()) : line.trim();
    // A footnote marker that wrapped onto the next line: "...in secondary schools.\n15 That same poll...".
    if (pdfLike && current.length && /[.!?][’'”"]?$/.test(current[current.length - 1]!)) text = text.replace(/^\d{1,2} (?=\p{Lu}\p{Ll})/u, '');
    current.push(text);
  }
  if (current.length) blocks.push(current);
  return blocks;
}

/** Footnotes: the last block of a page when it is a numbered list of references (a year, a URL, "(2019)"). */
function dropFootnoteBlock(blocks: string[][]): void {
  const last = blocks[blocks.length - 1];
  if (!last) return;
  const text = last.join(' ');
  if (/^\d{1,3}\.\s+\S/.test(last[0]!) && /www\.|https?:\/\/|\(\d{4}\)|\b(?:19|20)\d{2}\b/.test(text)) blocks.pop();
}

// ---------------------------------------------------------------------------------------------- blocks

/** List markers: bullet symbols, or a dash, asterisk or "1." / "1)" followed by a space ("-and indeed" is not an item). */
const BULLET = /^(?:[•▪●◦‣∙]\s*|[*–-]\s+|\d{1,2}[.)]\s+)/;
const MD_HEADING = /^(#{1,6})\s+(.*?)\s*#*$/;

type ParsedBlock = Block & { fromHeadingShape?: boolean };

function parseBlock(lines: string[], pdfLike: boolean, listContext: boolean, vocab?: WordForms): ParsedBlock[] {
  const items: { kind: 'para' | 'bullet' | 'heading'; lines: string[]; level?: number; fromHeadingShape?: boolean }[] = [];
  let start = 0;

  // A heading at the start of a block: one line, or up to three when the block holds nothing else or the
  // following lines continue it in lower case ("1. Anchor development in a place-based / model of change").
  if ((!MD_HEADING.test(lines[0]!) && !BULLET.test(lines[0]!)) || /^\d{1,2}\.\s+\p{Lu}/u.test(lines[0]!)) {
    const n = headingPrefix(lines);
    if (n > 0) {
      const asItem = listContext && n === lines.length;
      items.push({ kind: asItem ? 'bullet' : 'heading', lines: lines.slice(0, n), level: 1, fromHeadingShape: asItem });
      start = n;
    }
  }

  for (let i = start; i < lines.length; i++) {
    const line = lines[i]!;
    if (pdfLike && isInlineHeading(lines, i, items[items.length - 1])) {
      items.push({ kind: 'heading', lines: [line], level: 1 });
      continue;
    }
    const md = MD_HEADING.exec(line);
    if (md) {
      items.push({ kind: 'heading', lines: [md[2]!], level: md[1]!.length });
      continue;
    }
    if (BULLET.test(line)) {
      items.push({ kind: 'bullet', lines: [line.replace(BULLET, '')] });
      continue;
    }
    const last = items[items.length - 1];
    if (last && last.kind !== 'heading') last.lines.push(line);
    else items.push({ kind: 'para', lines: [line] });
  }

  return items.map((item): ParsedBlock => {
    const text = joinLines(item.lines, pdfLike, vocab);
    if (item.kind === 'heading') return { kind: 'heading', text, level: item.level ?? 1 };
    if (item.kind === 'bullet') return { kind: 'bullet', text, fromHeadingShape: item.fromHeadingShape };
    return { kind: 'para', text };
  });
}

function headingPrefix(lines: string[]): number {
  const lower = (l: string | undefined) => l !== undefined && /^\p{Ll}/u.test(l);
  // The whole block is a (possibly wrapped) heading.
  if (lines.length <= 3 && isHeadingText(lines.join(' '))) return lines.length;
  // A heading followed by body text in the same block; wrapped heading lines continue in lower case.
  // The heading's last line must be clearly shorter than the body lines after it, or it is just a wrapped line.
  const bodyWidth = Math.max(...lines.slice(1, 4).map((l) => l.length));
  for (let n = 1; n < Math.min(4, lines.length); n++) {
    if (n > 1 && !lower(lines[n - 1])) break;
    const width = Math.max(...lines.slice(n, n + 3).map((l) => l.length), bodyWidth * (n > 1 ? 1 : 0));
    if (lines[n - 1]!.length > width * 0.7) continue;
    if (!lower(lines[n]) && isHeadingText(lines.slice(0, n).join(' '))) return n;
  }
  return 0;
}

/**
 * A heading inside a block of PDF text (pdf.js keeps no blank line between paragraphs): a short title line
 * after a finished sentence, followed by a line starting a new sentence, clearly shorter than the lines around it.
 */
function isInlineHeading(lines: string[], i: number, last: { kind: string; lines: string[] } | undefined): boolean {
  const prev = lines[i - 1];
  const next = lines[i + 1];
  if (!prev || !next || !last || last.kind === 'heading') return false;
  if (!/[.!?]["”’')]?$/.test(prev) || !/^[\p{Lu}‘“"']/u.test(next)) return false;
  const line = lines[i]!;
  if (line.length > 0.7 * Math.max(prev.length, next.length)) return false;
  return isHeadingText(line);
}

const HEADING_KEYWORD = /^(?:goal|ambition|priority|chapter|section|part|appendix|annex|theme|strand|pillar|step)\s+\d{1,3}\b/i;
const TRAILING_FUNCTION_WORD =
  /\b(?:to|of|and|or|the|a|an|in|for|with|by|on|from|at|as|that|which|who|our|their|is|are|be|we|this|these|its)$/i;

/** Does this line read as a heading (short, titled, no closing punctuation)? */
export function isHeadingText(raw: string): boolean {
  const s = raw.replace(/\s+/g, ' ').trim();
  if (s.length < 2 || /www\.|https?:|@/.test(s)) return false;
  const words = s.split(' ');
  const keyword = HEADING_KEYWORD.test(s);
  if (keyword ? words.length > 26 || s.length > 180 : words.length > 14 || s.length > 110) return false;
  const numbered = /^\d{1,2}\.\s+\p{Lu}/u.test(s);
  if (!keyword && !numbered && !/^[‘“"']?\p{Lu}/u.test(s)) return false;
  const body = numbered ? s.replace(/^\d{1,2}\.\s+/, '') : s;
  if (/(?:\.\.\.|…)$/.test(body)) return !/[.!?]\s+\p{Lu}/u.test(body.slice(0, -3));
  if (/[.,;:!]$/.test(body)) return false;
  if (body.endsWith('?') && words.length > 12) return false;
  if (/[.!?]\s+\p{Lu}/u.test(body)) return false;
  if (TRAILING_FUNCTION_WORD.test(body)) return false;
  const letters = (body.match(/\p{L}/gu) ?? []).length;
  return letters >= 2 && letters / body.replace(/\s/g, '').length >= 0.6;
}

// ---------------------------------------------------------------------------------------------- repair

interface WordForms {
  plain: Set<string>;
  hyphenated: Set<string>;
}

function wordForms(text: string): WordForms {
  const plain = new Set<string>();
  const hyphenated = new Set<string>();
  for (const m of text.toLowerCase().matchAll(/\p{L}+(?:-\p{L}+)*/gu)) {
    if (m[0].includes('-')) hyphenated.add(m[0]);
    else plain.add(m[0]);
  }
  return { plain, hyphenated };
}

/** Join hard-wrapped lines; "educa-\ntion" becomes "education" only when the document uses that word unbroken. */
function joinLines(lines: string[], pdfLike: boolean, vocab?: WordForms): string {
  let out = '';
  for (const line of lines) {
    const l = line.trim();
    if (!out) {
      out = l;
      continue;
    }
    const hy = out.endsWith('-') ? /(\p{L}+)-$/u.exec(out.slice(-64)) : null;
    const next = /^(\p{L}+)/u.exec(l);
    if (pdfLike && hy && next && /^\p{Ll}/u.test(l)) {
      const joined = (hy[1]! + next[1]!).toLowerCase();
      const hyphen = `${hy[1]!}-${next[1]!}`.toLowerCase();
      const dropHyphen = vocab && vocab.plain.has(joined) && !vocab.hyphenated.has(hyphen);
      out = dropHyphen ? out.slice(0, -1) + l : out + l;
    } else {
      out += ' ' + l;
    }
  }
  return out.replace(/\s+/g, ' ').trim();
}

const FUNCTION_WORD_END = /\b(?:of|the|and|to|a|an|in|for|with|by|on|from|at|as|or|their|our|its|into|that|than)$/i;

/** Paragraphs broken by a column or page break: the first does not end a sentence and the next goes on in lower case. */
function joinBrokenParagraphs(blocks: Block[]): Block[] {
  const out: Block[] = [];
  for (const b of blocks) {
    const prev = out[out.length - 1];
    if (prev && prev.kind !== 'heading' && b.kind === 'para') {
      const tail = prev.text.slice(-40);
      const openEnded = !/[.!?:;)”"'’]$/.test(tail);
      if (openEnded && (/^\p{Ll}/u.test(b.text) || FUNCTION_WORD_END.test(tail))) {
        out[out.length - 1] = { ...prev, text: `${prev.text} ${b.text}` };
        continue;
      }
    }
    out.push(b);
  }
  return out;
}

/** Superscript footnote markers glued to words in PDF text: "peers1." -> "peers.", "better’.2" -> "better’.". */
function stripFootnoteMarkers(text: string): string {
  return text.replace(/(?<![0-9])(?<=[\p{Ll})’'”"]|[\p{Ll})’'”"][.,;:])\d{1,2}(?=[\s.,;:)]|$)/gu, '');
}

/**
 * Pull quotes repeat body text in large type; drop short paragraphs whose every run of six words also appears
 * elsewhere in the document. Counting six-word shingles keeps this linear in the document's length.
 */
function dropPullQuotes(blocks: Block[]): Block[] {
  const SHINGLE = 6;
  const words = (t: string) => normalise(t).split(' ').filter(Boolean);
  const counts = new Map<string, number>();
  for (const b of blocks) {
    const w = words(b.text);
    for (let i = 0; i + SHINGLE <= w.length; i++) {
      const key = w.slice(i, i + SHINGLE).join(' ');
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
  }
  const repeated = (part: string[]) => {
    for (let i = 0; i + SHINGLE <= part.length; i++) if ((counts.get(part.slice(i, i + SHINGLE).join(' ')) ?? 0) < 2) return false;
    return true;
  };
  return blocks.filter((b) => {
    if (b.kind !== 'para' || b.text.split(' ').length > 45) return true;
    const parts = b.text
      .split(/\[\.\.\.\]|…/)
      .map(words)
      .filter((p) => p.length >= SHINGLE);
    return !(parts.length && parts.every(repeated));
  });
}

export function normalise(s: string): string {
  return s
    .toLowerCase()
    .replace(/[’‘]/g, "'")
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

/** Markdown inline markup is not part of the passage: emphasis markers, link targets to '#', images. */
function cleanMarkdownInline(text: string): string {
  return text
    .replace(/!\[[^\]]*\]\([^)]*\)/g, '')
    .replace(/\[([^\]]+)\]\((?:#[^)]*)?\)/g, '$1')
    .replace(/\[([^\]]+)\]\(([^)\s]+)\)/g, '$1 ($2)')
    .replace(/\*\*([^*\n]+)\*\*/g, '$1')
    .replace(/__([^_\n]+)__/g, '$1')
    .replace(/(^|[\s(])\*([^*\n]+)\*(?=[\s).,;:!?]|$)/gm, '$1$2')
    .replace(/\*\*/g, '');
}
