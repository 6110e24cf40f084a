/** Internal model of the knowledge base (the public port is in types.ts). */

export type DocumentFormat = 'txt' | 'md' | 'pdf' | 'docx' | 'html';

/** A file turned into text, before chunking. */
export interface LoadedDocument {
  /** File name, e.g. "camden-education-strategy-to-2030.txt". */
  source: string;
  format: DocumentFormat;
  /** Title from the file's metadata when it has one (PDF info, HTML <title>, front matter); otherwise found in the text. */
  title?: string;
  /** Front matter of a Markdown file (title, url, owner, published). */
  meta?: import('./sources.js').SourceInfo;
  /**
   * Text per page. For PDF-extracted text (pdf, txt) each page is raw extracted text; for md, docx and html the
   * single "page" is Markdown-like text where headings start with '#'.
   */
  pages: string[];
  /** True when the text came out of a PDF (line breaks, hyphenation, footnote markers need repair). */
  pdfLike: boolean;
}

export type Block =
  | { kind: 'heading'; text: string; level: number }
  | { kind: 'para'; text: string }
  | { kind: 'bullet'; text: string };

/** One passage: stays inside one section, carries its document title and section heading. */
export interface Chunk {
  /** Stable within one index build: `${source}#${ordinal}`. */
  id: string;
  source: string;
  title: string;
  /** Link to the original document, when sources.yaml or front matter gives one. */
  url?: string;
  section: string;
  /** Clean passage text; list items are on their own lines starting with "• ". */
  text: string;
  /** Position of the chunk in its document. */
  ordinal: number;
}

export interface DocumentSummary {
  source: string;
  title: string;
  url?: string;
  format: DocumentFormat;
  chunks: number;
  sections: number;
}

export interface LoadFailure {
  source: string;
  reason: string;
}
