import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { AppError } from '../errors.js';
import type { DocumentFormat, LoadedDocument } from './model.js';
import { formatOf, MAX_DOCUMENT_BYTES, SUPPORTED_EXTENSIONS } from './formats.js';
import { splitFrontMatter } from './sources.js';

/** A file that could not be turned into text; the message names the file and says why. */
export class DocumentLoadError extends AppError {
  constructor(
    readonly source: string,
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super('document_unreadable', `${source}: ${reason}`, options);
  }
}

export { formatOf, MAX_DOCUMENT_BYTES, SUPPORTED_EXTENSIONS } from './formats.js';

/**
 * Read one document. Heavy parsers (unpdf, mammoth, node-html-parser) are imported only when a file of that kind
 * is loaded, so answering from a text corpus starts fast.
 */
export async function loadDocument(path: string): Promise<LoadedDocument> {
  const source = basename(path);
  const format = formatOf(path);
  if (!format) throw new DocumentLoadError(source, `unsupported file type (supported: ${SUPPORTED_EXTENSIONS.join(', ')})`);
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'file not found' : code === 'EACCES' ? 'permission denied' : `cannot read file (${code ?? String(err)})`;
    throw new DocumentLoadError(source, reason, { cause: err });
  }
  return loadDocumentBytes(source, format, bytes);
}

/** A document from its bytes (a file read already, or a document kept in the store). */
export async function loadDocumentBytes(source: string, format: DocumentFormat, content: Uint8Array): Promise<LoadedDocument> {
  const bytes = Buffer.isBuffer(content) ? content : Buffer.from(content.buffer, content.byteOffset, content.byteLength);
  if (bytes.length > MAX_DOCUMENT_BYTES) throw new DocumentLoadError(source, `file is larger than ${MAX_DOCUMENT_BYTES / 1024 / 1024} MB`);
  if (bytes.length === 0) throw new DocumentLoadError(source, 'file is empty');
  try {
    const doc = await parseBytes(source, format, bytes);
    if (!doc.pages.some((p) => /\p{L}{2,}/u.test(p))) throw new DocumentLoadError(source, 'no text found in the file');
    return doc;
  } catch (err) {
    if (err instanceof DocumentLoadError) throw err;
    const message = err instanceof Error ? err.message : String(err);
    throw new DocumentLoadError(source, `not a readable ${format.toUpperCase()} file (${message.split('\n')[0]})`, { cause: err });
  }
}

async function parseBytes(source: string, format: DocumentFormat, bytes: Buffer): Promise<LoadedDocument> {
  switch (format) {
    case 'txt':
      // Plain .txt in this corpus is PDF-extracted text.
      return { source, format, pages: [decodeUtf8(bytes)], pdfLike: true };
    case 'md': {
      // Markdown is already structured; front matter (title, url, owner, published) is metadata, not text.
      const { meta, body } = splitFrontMatter(decodeUtf8(bytes));
      return { source, format, title: meta.title, meta, pages: [body], pdfLike: false };
    }
    case 'pdf':
      return loadPdf(source, bytes);
    case 'docx':
      return loadDocx(source, bytes);
    case 'html':
      return loadHtml(source, decodeUtf8(bytes));
  }
}

function decodeUtf8(bytes: Buffer): string {
  const text = new TextDecoder('utf-8', { fatal: false }).decode(bytes).replace(/^\uFEFF/, '');
  // A binary file renamed .txt: lots of NULs or replacement characters.
  const bad = (text.match(/[\u0000\uFFFD]/g) ?? []).length;
  if (bad > Math.max(8, text.length * 0.01)) throw new Error('the file is not UTF-8 text');
  return text;
}

async function loadPdf(source: string, bytes: Buffer): Promise<LoadedDocument> {
  const { getDocumentProxy, extractText, getMeta } = await import('unpdf');
  const pdf = await getDocumentProxy(new Uint8Array(bytes), { verbosity: 0 });
  try {
    const { text } = await extractText(pdf, { mergePages: false });
    let title: string | undefined;
    try {
      const meta = await getMeta(pdf);
      const t = meta.info?.Title;
      if (typeof t === 'string' && t.trim() && !/^untitled|\.(docx?|pdf)$/i.test(t.trim())) title = t.trim();
    } catch {
      // Metadata is optional.
    }
    return { source, format: 'pdf', title, pages: text, pdfLike: true };
  } finally {
    await pdf.destroy().catch(() => undefined);
  }
}

async function loadDocx(source: string, bytes: Buffer): Promise<LoadedDocument> {
  const mammoth = (await import('mammoth')).default;
  const result = await mammoth.convertToHtml({ buffer: bytes });
  const doc = await loadHtml(source, result.value);
  return { ...doc, format: 'docx' };
}

const BLOCK_SELECTOR = 'p,div,section,article,h1,h2,h3,h4,h5,h6,ul,ol,li,table,tr,td,th,blockquote,pre,main,aside,dl,figure';

/** HTML (and DOCX via mammoth's HTML) to Markdown-like text: headings become '#' lines, list items '- ' lines. */
async function loadHtml(source: string, html: string): Promise<LoadedDocument> {
  const { parse } = await import('node-html-parser');
  const root = parse(html, { comment: false, blockTextElements: { script: false, style: false, noscript: false, pre: true } });
  const title = root.querySelector('title')?.text.trim() || undefined;
  root.querySelectorAll('script, style, noscript, nav, header > nav, footer, template').forEach((n) => n.remove());
  const body = root.querySelector('body') ?? root;
  const lines: string[] = [];
  const walk = (node: ReturnType<typeof parse>): void => {
    for (const child of node.childNodes) {
      if (child.nodeType !== 1) continue;
      const el = child as ReturnType<typeof parse>;
      const tag = el.tagName?.toLowerCase() ?? '';
      const text = () => el.text.replace(/\s+/g, ' ').trim();
      if (/^h[1-6]$/.test(tag)) {
        if (text()) lines.push(`${'#'.repeat(Number(tag[1]))} ${text()}`, '');
      } else if (tag === 'li') {
        if (text()) lines.push(`- ${text()}`);
      } else if (tag === 'p' || tag === 'blockquote' || tag === 'pre' || tag === 'td' || tag === 'th' || tag === 'dd' || tag === 'dt') {
        if (text()) lines.push(text(), '');
      } else if (tag === 'ul' || tag === 'ol') {
        walk(el);
        lines.push('');
      } else if (el.querySelector(BLOCK_SELECTOR)) {
        walk(el);
      } else if (text()) {
        lines.push(text(), '');
      }
    }
  };
  walk(body);
  return { source, format: 'html', title, pages: [lines.join('\n')], pdfLike: false };
}
