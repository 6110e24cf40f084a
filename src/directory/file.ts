import { readFile } from 'node:fs/promises';
import { LineCounter, isMap, isNode, isPair, isScalar, parseDocument, type Node } from 'yaml';
import { z } from 'zod';
import { AppError } from '../errors.js';
import { isIsoDate } from '../shared/calendar.js';
import type { Role } from './types.js';

const SLUG = /^[a-z0-9]+(-[a-z0-9]+)*$/;
const EMAIL = /^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/;

const nonEmpty = (what: string, max = 200) =>
  z
    .string({ required_error: `${what} is required`, invalid_type_error: `${what} must be text` })
    .trim()
    .min(1, `${what} must not be empty`)
    .max(max, `${what} must be at most ${max} characters`);

const centreSchema = z
  .object({
    id: z
      .string({ required_error: 'id is required', invalid_type_error: 'id must be text' })
      .regex(SLUG, 'id must be a lowercase slug such as acland-burghley (letters, digits and single hyphens)'),
    name: nonEmpty('name'),
    /** Optional; false stops reminders and "missing" reports for a centre that has closed. */
    active: z.boolean({ invalid_type_error: 'active must be true or false' }).optional(),
    /** Optional; returns are due from the week containing this date (default: the week the centre is added). */
    from: z
      .string({ invalid_type_error: 'from must be a date YYYY-MM-DD' })
      .trim()
      .refine(isIsoDate, (v) => ({ message: `from must be a date YYYY-MM-DD, got "${v.slice(0, 20)}"` }))
      .optional(),
  })
  .strict();

const roleSchema = z.enum(['oc_lead', 'network_lead', 'admin'], {
  errorMap: () => ({ message: 'role must be one of oc_lead, network_lead, admin' }),
});

const personSchema = z
  .object({
    name: nonEmpty('name'),
    email: z
      .string({ required_error: 'email is required', invalid_type_error: 'email must be text' })
      .trim()
      .toLowerCase()
      .regex(EMAIL, 'email must be an address like name@example.org'),
    roles: z.array(roleSchema, { invalid_type_error: 'roles must be a list such as [oc_lead]' }).default([]),
    centres: z.array(z.string({ invalid_type_error: 'each centre must be a centre id' }), {
      invalid_type_error: 'centres must be a list of centre ids such as [acland-burghley]',
    }).default([]),
    slack: z
      .object({ user: nonEmpty('slack.user', 50), team: nonEmpty('slack.team', 50) })
      .strict()
      .nullable()
      .optional(),
    teams: z
      .object({ aadObjectId: nonEmpty('teams.aadObjectId', 100), tenantId: nonEmpty('teams.tenantId', 100) })
      .strict()
      .nullable()
      .optional(),
  })
  .strict()
  .superRefine((p, ctx) => {
    if (p.roles.includes('oc_lead') && p.centres.length === 0) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['centres'], message: 'centres is required for oc_lead (the centres this person leads)' });
    }
    if (!p.roles.includes('oc_lead') && p.centres.length > 0) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['centres'], message: 'centres is only for people with the oc_lead role' });
    }
  });

const fileSchema = z
  .object({
    centres: z.array(centreSchema, { invalid_type_error: 'centres must be a list' }).default([]),
    people: z.array(personSchema, { invalid_type_error: 'people must be a list' }).default([]),
    digest: z
      .object({
        slackChannels: z.array(nonEmpty('slack channel id', 100)).default([]),
        teamsChannels: z.array(nonEmpty('teams conversation id', 500)).default([]),
      })
      .strict()
      .default({}),
  })
  .strict();

export type DirectoryFile = z.output<typeof fileSchema>;
export type DirectoryFilePerson = DirectoryFile['people'][number] & { roles: Role[] };

export interface FileProblem {
  /** 1-based line in the file, when known. */
  line?: number;
  /** Where in the document, e.g. people[2].email. */
  path: string;
  message: string;
}

export class DirectoryFileError extends AppError {
  constructor(
    readonly source: string,
    readonly problems: FileProblem[],
  ) {
    super(
      'directory_file_invalid',
      `${source} is not a valid directory file:\n` +
        problems.map((p) => `  - ${p.line ? `line ${p.line}: ` : ''}${p.path ? `${p.path}: ` : ''}${p.message}`).join('\n'),
    );
  }
}

function pathString(path: (string | number)[]): string {
  return path.reduce<string>((s, k) => (typeof k === 'number' ? `${s}[${k}]` : s ? `${s}.${k}` : k), '');
}

/**
 * Parses and validates a directory file (the YAML schema in docs/DESIGN.md). Unknown keys and every other problem
 * are reported with their line number; throws DirectoryFileError listing all of them.
 */
export function parseDirectoryFile(text: string, source = 'directory file'): DirectoryFile {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const lineOf = (offset: number | undefined) => (offset === undefined ? undefined : lineCounter.linePos(offset).line);
  if (doc.errors.length) {
    throw new DirectoryFileError(
      source,
      doc.errors.map((e) => ({ line: e.linePos?.[0]?.line ?? lineOf(e.pos[0]), path: '', message: e.message.split('\n')[0]! })),
    );
  }
  const data: unknown = doc.toJS() ?? {};
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new DirectoryFileError(source, [{ line: 1, path: '', message: 'the file must be a mapping with centres, people and digest' }]);
  }
  const result = fileSchema.safeParse(data);
  const problems: FileProblem[] = [];
  const nodeLine = (path: (string | number)[]): number | undefined => {
    for (let n = path.length; n >= 0; n--) {
      const node = doc.getIn(path.slice(0, n), true) as unknown;
      if (isNode(node) && (node as Node).range) return lineOf((node as Node).range![0]);
    }
    return undefined;
  };
  const keyLine = (path: (string | number)[], key: string): number | undefined => {
    const parent = path.length ? doc.getIn(path, true) : doc.contents;
    if (isMap(parent)) {
      const pair = parent.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === key);
      if (pair && isScalar(pair.key) && pair.key.range) return lineOf(pair.key.range[0]);
    }
    return nodeLine(path);
  };
  if (!result.success) {
    for (const issue of result.error.issues) {
      if (issue.code === z.ZodIssueCode.unrecognized_keys) {
        for (const key of issue.keys) {
          problems.push({ line: keyLine(issue.path, key), path: pathString([...issue.path, key]), message: `unknown key "${key}"` });
        }
      } else {
        problems.push({ line: nodeLine(issue.path), path: pathString(issue.path), message: issue.message });
      }
    }
  }
  {
    // Cross-entry rules, checked on the raw data so they are reported together with field problems:
    // unique ids, emails and identities; centres referenced must be listed.
    const raw = data as { centres?: unknown; people?: unknown };
    const list = (v: unknown): Record<string, unknown>[] =>
      Array.isArray(v) ? v.map((x) => (typeof x === 'object' && x !== null ? (x as Record<string, unknown>) : {})) : [];
    const str = (v: unknown) => (typeof v === 'string' ? v.trim() : undefined);
    const ident = (v: unknown, a: string, b: string) => {
      const o = typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : undefined;
      return o && str(o[b]) && str(o[a]) ? `${str(o[b])}/${str(o[a])}` : undefined;
    };
    const centres = list(raw.centres);
    const people = list(raw.people);
    const dup = (items: Record<string, unknown>[], key: (t: Record<string, unknown>) => string | undefined, what: string, pathOf: (i: number) => (string | number)[]) => {
      const seen = new Map<string, number>();
      items.forEach((item, i) => {
        const k = key(item);
        if (k === undefined) return;
        const first = seen.get(k);
        if (first !== undefined) {
          problems.push({ line: nodeLine(pathOf(i)), path: pathString(pathOf(i)), message: `${what} "${k}" is listed twice (first at line ${nodeLine(pathOf(first))})` });
        } else seen.set(k, i);
      });
    };
    dup(centres, (c) => str(c.id), 'centre id', (i) => ['centres', i, 'id']);
    dup(people, (p) => str(p.email)?.toLowerCase(), 'email', (i) => ['people', i, 'email']);
    dup(people, (p) => ident(p.slack, 'user', 'team'), 'slack identity', (i) => ['people', i, 'slack']);
    dup(people, (p) => ident(p.teams, 'aadObjectId', 'tenantId'), 'teams identity', (i) => ['people', i, 'teams']);
    const centreIds = new Set(centres.map((c) => str(c.id)).filter((x): x is string => !!x));
    people.forEach((p, i) => {
      if (!Array.isArray(p.centres)) return;
      p.centres.forEach((c: unknown, j: number) => {
        if (typeof c === 'string' && !centreIds.has(c)) {
          problems.push({
            line: nodeLine(['people', i, 'centres', j]),
            path: pathString(['people', i, 'centres', j]),
            message: `unknown centre "${c}"; it must be one of the centres listed in this file (${[...centreIds].join(', ') || 'none'})`,
          });
        }
      });
    });
  }
  if (problems.length) {
    problems.sort((a, b) => (a.line ?? 0) - (b.line ?? 0)); // stable: same-line problems keep their order
    throw new DirectoryFileError(source, problems);
  }
  if (!result.success) throw new DirectoryFileError(source, [{ path: '', message: 'invalid directory file' }]);
  return result.data;
}

export async function readDirectoryFile(path: string): Promise<DirectoryFile> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new AppError('directory_file_unreadable', `Cannot read the directory file ${path}: ${(err as Error).message}`, { cause: err });
  }
  return parseDirectoryFile(text, path);
}
