import { extname } from 'node:path';
import type { DocumentFormat } from './model.js';

/**
 * Which files are documents, apart from the loaders (and their YAML front-matter reader), so the server's main thread
 * can import a folder into the store without loading them.
 */
const FORMATS: Record<string, DocumentFormat> = {
  '.txt': 'txt',
  '.md': 'md',
  '.markdown': 'md',
  '.pdf': 'pdf',
  '.docx': 'docx',
  '.html': 'html',
  '.htm': 'html',
};

export const SUPPORTED_EXTENSIONS = Object.keys(FORMATS);

export function formatOf(path: string): DocumentFormat | undefined {
  return FORMATS[extname(path).toLowerCase()];
}

/** Files larger than this are refused rather than parsed (a corpus document is a few MB at most). */
export const MAX_DOCUMENT_BYTES = 50 * 1024 * 1024;

/** Titles, links, owners and dates of the folder's documents, by file name (src/knowledge/sources.ts reads it). */
export const SOURCES_FILE = 'sources.yaml';
