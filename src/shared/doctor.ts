/**
 * The first-run check's vocabulary (`npm run -s cli -- doctor`, `/healthz?verbose`): sections of checks, each saying
 * what was found and, when something is wrong, what to do about it.
 */
export interface DoctorCheck {
  /** What was checked, e.g. "token", "scopes", "digest channel C0DIGEST1". */
  name: string;
  /** true: fine; false: a problem; null: not checked or only informative. */
  ok: boolean | null;
  detail: string;
  /** What to do, when ok is false (or null and there is something to do). */
  fix?: string;
}

export interface DoctorSection {
  title: string;
  checks: DoctorCheck[];
}

export interface DoctorReport {
  at: string;
  sections: DoctorSection[];
  /** Checks with ok false. */
  problems: number;
}

export function doctorReport(sections: DoctorSection[], at = new Date()): DoctorReport {
  return { at: at.toISOString(), sections, problems: sections.flatMap((s) => s.checks).filter((c) => c.ok === false).length };
}

/** The report as text for a terminal: ✓ / ✗ / · per check, the fix indented under a problem. */
export function formatDoctorReport(r: DoctorReport): string {
  const lines: string[] = [];
  for (const s of r.sections) {
    lines.push(s.title);
    for (const c of s.checks) {
      lines.push(`  ${c.ok === true ? '✓' : c.ok === false ? '✗' : '·'} ${c.name}: ${c.detail}`);
      if (c.fix) lines.push(`      fix: ${c.fix}`);
    }
    lines.push('');
  }
  lines.push(r.problems ? `${r.problems} problem${r.problems === 1 ? '' : 's'} to fix (see "fix:" above).` : 'No problems found.');
  return lines.join('\n');
}
