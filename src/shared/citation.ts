/** A source passage quoted in an answer. `source` is the document's file name. */
export interface Citation {
  source: string;
  title: string;
  /** Link to the original document, when one is known (http or https). */
  url?: string;
  section: string;
  excerpt: string;
}

/**
 * How a reader sees where a citation comes from: "Title — Section", never the file name, and the section left out
 * when it only repeats the title (a document with no headings).
 */
export function citationLabel(c: Citation): string {
  const title = (c.title || c.source).replace(/\s+/g, ' ').trim();
  const section = c.section.replace(/\s+/g, ' ').trim();
  return !section || section === title || title.startsWith(section) ? title : `${title} — ${section}`;
}
