/** A source passage quoted in an answer. `source` is the document's file name. */
export interface Citation {
  source: string;
  title: string;
  section: string;
  excerpt: string;
}
