import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Document, HeadingLevel, Packer, Paragraph } from 'docx';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chunkDocument } from '../../src/knowledge/chunker.js';
import { KnowledgeBase } from '../../src/knowledge/knowledge-base.js';
import { DocumentLoadError, loadDocument } from '../../src/knowledge/loaders.js';
import { silentLogger, tempDir } from './helpers.js';

let dir: string;
let cleanup: () => Promise<void>;

async function makePdf(path: string): Promise<void> {
  const pdf = await PDFDocument.create();
  pdf.setTitle('Reading Strategy 2026');
  const font = await pdf.embedFont(StandardFonts.Helvetica);
  const pages: { heading: string; body: string[] }[] = [
    {
      heading: 'Goal 1: Phonics for every child',
      body: ['Every primary school will train two phonics leads', 'in the autumn term with the Wombat Reading Trust.', 'Reading at home', 'Every family is given a reading pack in September.'],
    },
    { heading: 'Goal 2: Libraries', body: ['The borough library service will lend 400 book boxes', 'to Year 3 classes across Camden.'] },
  ];
  for (const p of pages) {
    const page = pdf.addPage([595, 842]);
    page.drawText(p.heading, { x: 50, y: 780, size: 16, font });
    p.body.forEach((line, i) => page.drawText(line, { x: 50, y: 740 - i * 16, size: 11, font }));
  }
  await writeFile(path, await pdf.save());
}

async function makePdfWithRunningHeaders(path: string): Promise<void> {
  const pdf = await PDFDocument.create();
  const font = await pdf.embedFont(StandardFonts.Helvetica);
  const bodies = [
    ['Goal 1: Breakfast clubs', 'Every primary school runs a breakfast club from 8am.', 'Places are free for pupils in Year 1 and Year 2.'],
    ['Goal 2: Swimming', 'Year 4 pupils swim weekly at the Pancras Square pool.', 'Lessons are led by qualified instructors.'],
    ['Goal 3: Music', 'Each Year 3 class learns a string instrument for a year.', 'Instruments are lent by Camden Music.'],
  ];
  bodies.forEach((lines, p) => {
    const page = pdf.addPage([595, 842]);
    page.drawText('Camden Primary Offer 2026', { x: 50, y: 810, size: 9, font });
    lines.forEach((line, i) => page.drawText(line, { x: 50, y: 760 - i * 18, size: i === 0 ? 16 : 11, font }));
    page.drawText(`Page ${p + 1} of 3`, { x: 270, y: 30, size: 9, font });
  });
  await writeFile(path, await pdf.save());
}

async function makeDocx(path: string): Promise<void> {
  const doc = new Document({
    sections: [
      {
        children: [
          new Paragraph({ text: 'Governor Handbook', heading: HeadingLevel.TITLE }),
          new Paragraph({ text: 'Training for governors', heading: HeadingLevel.HEADING_1 }),
          new Paragraph('New governors complete the Kestrel induction course within their first six months.'),
          new Paragraph({ text: 'Meetings', heading: HeadingLevel.HEADING_1 }),
          new Paragraph('Full governing board meetings happen twice a term.'),
        ],
      },
    ],
  });
  await writeFile(path, await Packer.toBuffer(doc));
}

const HTML = `<!doctype html><html><head><title>Uniform Exchange</title><style>p{color:red}</style><script>var x = "ignore me";</script></head>
<body><nav>Home | About</nav><h1>Uniform Exchange</h1><p>The Otterburn uniform exchange opens on the first Saturday of each month.</p>
<h2>How to donate</h2><ul><li>Wash the items</li><li>Bring them to reception</li></ul><p>Donations are <b>sorted</b> by volunteers.</p></body></html>`;

beforeAll(async () => {
  ({ dir, cleanup } = await tempDir());
  await makePdf(join(dir, 'reading-strategy.pdf'));
  await makePdfWithRunningHeaders(join(dir, 'primary-offer.pdf'));
  await makeDocx(join(dir, 'governor-handbook.docx'));
  await writeFile(join(dir, 'uniform.html'), HTML);
  await writeFile(join(dir, 'notes.md'), '# Staff notes\n\n## Parking\n\nStaff park in the Heron Street car park.\n');
  await writeFile(join(dir, 'broken.pdf'), 'this is not really a PDF file at all');
  await writeFile(join(dir, 'broken.docx'), Buffer.from('PK\u0003\u0004 definitely not a zip archive'));
  await writeFile(join(dir, 'empty.txt'), '');
  await writeFile(join(dir, 'image.png'), Buffer.from([0x89, 0x50, 0x4e, 0x47]));
});

afterAll(async () => cleanup());

describe('loaders', () => {
  it('reads a PDF with unpdf, keeping its metadata title and page text', async () => {
    const doc = await loadDocument(join(dir, 'reading-strategy.pdf'));
    expect(doc.format).toBe('pdf');
    expect(doc.pdfLike).toBe(true);
    expect(doc.title).toBe('Reading Strategy 2026');
    expect(doc.pages).toHaveLength(2);
    const { chunks } = chunkDocument(doc);
    expect(chunks.map((c) => c.text).join(' ')).toContain('Wombat Reading Trust');
    expect(chunks.every((c) => c.title === 'Reading Strategy 2026')).toBe(true);
    // pdf.js keeps no blank lines: a short title line between sentences is still a heading.
    expect(chunks.find((c) => c.text.includes('Wombat'))?.section).toBe('Goal 1: Phonics for every child');
    expect(chunks.find((c) => c.text.includes('reading pack'))?.section).toBe('Reading at home');
    expect(chunks.find((c) => c.text.includes('400 book boxes'))?.section).toBe('Goal 2: Libraries');
  });

  it('drops running headers and page numbers repeated on every page of a PDF', async () => {
    const { chunks } = chunkDocument(await loadDocument(join(dir, 'primary-offer.pdf')));
    const all = chunks.map((c) => `${c.section}\n${c.text}`).join('\n');
    expect(all).not.toContain('Camden Primary Offer 2026');
    expect(all).not.toMatch(/Page \d of 3/);
    expect(chunks.map((c) => c.section)).toEqual(['Goal 1: Breakfast clubs', 'Goal 2: Swimming', 'Goal 3: Music']);
    expect(chunks[1]!.text).toBe('Year 4 pupils swim weekly at the Pancras Square pool. Lessons are led by qualified instructors.');
  });

  it('reads a DOCX with mammoth and keeps its headings as sections', async () => {
    const doc = await loadDocument(join(dir, 'governor-handbook.docx'));
    const { chunks } = chunkDocument(doc);
    const kestrel = chunks.find((c) => c.text.includes('Kestrel induction'));
    expect(kestrel?.section).toContain('Training for governors');
    const meetings = chunks.find((c) => c.text.includes('twice a term'));
    expect(meetings?.section).toContain('Meetings');
    expect(meetings?.text).not.toContain('Kestrel');
  });

  it('reads HTML without scripts, styles or navigation, with headings and list items', async () => {
    const doc = await loadDocument(join(dir, 'uniform.html'));
    expect(doc.title).toBe('Uniform Exchange');
    const { chunks } = chunkDocument(doc);
    const all = chunks.map((c) => c.text).join('\n');
    expect(all).toContain('first Saturday of each month');
    expect(all).toContain('• Wash the items');
    expect(all).not.toContain('ignore me');
    expect(all).not.toContain('color:red');
    expect(all).not.toContain('Home | About');
    expect(chunks.find((c) => c.text.includes('Wash the items'))?.section).toContain('How to donate');
  });

  it('names the file and the reason when a file cannot be read', async () => {
    await expect(loadDocument(join(dir, 'broken.pdf'))).rejects.toMatchObject({ code: 'document_unreadable', source: 'broken.pdf' });
    const err = (await loadDocument(join(dir, 'broken.docx')).catch((e: unknown) => e)) as DocumentLoadError;
    expect(err).toBeInstanceOf(DocumentLoadError);
    expect(err.message).toMatch(/^broken\.docx: not a readable DOCX file/);
    await expect(loadDocument(join(dir, 'empty.txt'))).rejects.toThrow('empty.txt: file is empty');
    await expect(loadDocument(join(dir, 'missing.md'))).rejects.toThrow('missing.md: file not found');
  });

  it('skips unreadable files, reports each by name with the reason, and loads the rest', async () => {
    const kb = new KnowledgeBase({ dir, logger: silentLogger });
    const report = await kb.reload();
    expect(report.documents.map((d) => d.source).sort()).toEqual(['governor-handbook.docx', 'notes.md', 'primary-offer.pdf', 'reading-strategy.pdf', 'uniform.html']);
    const failures = Object.fromEntries(report.failures.map((f) => [f.source, f.reason]));
    expect(Object.keys(failures).sort()).toEqual(['broken.docx', 'broken.pdf', 'empty.txt', 'image.png']);
    expect(failures['broken.pdf']).toMatch(/not a readable PDF file/);
    expect(failures['empty.txt']).toBe('file is empty');
    expect(failures['image.png']).toMatch(/unsupported file type/);
    expect(kb.stats()).toMatchObject({ documents: 5, failures: 4 });

    const answer = await kb.answer('Where do staff park?');
    expect(answer.answered).toBe(true);
    expect(answer.answer).toContain('Heron Street');
    expect(answer.citations[0]).toMatchObject({ source: 'notes.md', title: 'Staff notes', section: 'Parking' });
  });
});
