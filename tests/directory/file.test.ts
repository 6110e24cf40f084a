import { describe, expect, it } from 'vitest';
import { readFile } from 'node:fs/promises';
import { parseDirectoryFile, DirectoryFileError } from '../../src/directory/file.js';

function fail(text: string): DirectoryFileError {
  try {
    parseDirectoryFile(text, 'dir.yaml');
  } catch (err) {
    expect(err).toBeInstanceOf(DirectoryFileError);
    return err as DirectoryFileError;
  }
  throw new Error('expected the file to be rejected');
}

describe('directory file', () => {
  it('accepts the shipped example with the four centres', async () => {
    const file = parseDirectoryFile(await readFile('config/directory.example.yaml', 'utf8'));
    expect(file.centres.map((c) => c.id)).toEqual(['acland-burghley', 'la-sainte-union', 'camden-career-club', 'london-ai-campus']);
    expect(file.centres.map((c) => c.name).join(' | ')).toMatch(/Acland Burghley.*La Sainte Union.*Camden Career Club at the Euston Skills Centre.*London AI Campus/);
    const roles = new Set(file.people.flatMap((p) => p.roles));
    expect([...roles].sort()).toEqual(['admin', 'network_lead', 'oc_lead']);
    expect(file.people.every((p) => p.email.endsWith('@example.org'))).toBe(true);
  });

  it('reports an unknown key with its line number', () => {
    const err = fail(['centres:', '  - id: a-centre', '    name: A Centre', 'people:', '  - name: Sam', '    email: sam@example.org', '    role: [admin]', ''].join('\n'));
    expect(err.problems).toEqual([{ line: 7, path: 'people[0].role', message: 'unknown key "role"' }]);
    expect(err.message).toContain('line 7: people[0].role: unknown key "role"');
  });

  it('reports unknown top-level keys and nested identity keys with lines', () => {
    const err = fail(['centres: []', 'peple: []', 'people:', '  - name: Sam', '    email: sam@example.org', '    slack: { user: U1, team: T1, channel: C1 }'].join('\n'));
    expect(err.problems.map((p) => [p.line, p.path])).toEqual([
      [2, 'peple'],
      [6, 'people[0].slack.channel'],
    ]);
  });

  it('explains bad values with their lines', () => {
    const err = fail(
      [
        'centres:',
        '  - id: Acland Burghley',
        '    name: ""',
        'people:',
        '  - name: Sam',
        '    email: not-an-email',
        '    roles: [oc_lead, boss]',
      ].join('\n'),
    );
    const byPath = Object.fromEntries(err.problems.map((p) => [p.path, [p.line, p.message]]));
    expect(byPath['centres[0].id']).toEqual([2, expect.stringContaining('lowercase slug')]);
    expect(byPath['centres[0].name']).toEqual([3, 'name must not be empty']);
    expect(byPath['people[0].email']).toEqual([6, 'email must be an address like name@example.org']);
    expect(byPath['people[0].roles[1]']).toEqual([7, 'role must be one of oc_lead, network_lead, admin']);
  });

  it('requires centres for oc_lead and checks they exist', () => {
    const err = fail(
      ['centres:', '  - id: a', '    name: A', 'people:', '  - name: Sam', '    email: sam@example.org', '    roles: [oc_lead]', '  - name: Kim', '    email: kim@example.org', '    roles: [oc_lead]', '    centres: [a, b]'].join('\n'),
    );
    expect(err.problems).toEqual([
      { line: 5, path: 'people[0].centres', message: 'centres is required for oc_lead (the centres this person leads)' },
      { line: 11, path: 'people[1].centres[1]', message: 'unknown centre "b"; it must be one of the centres listed in this file (a)' },
    ]);
  });

  it('rejects duplicate ids, emails and identities', () => {
    const err = fail(
      [
        'centres:',
        '  - { id: a, name: A }',
        '  - { id: a, name: A again }',
        'people:',
        '  - { name: Sam, email: Sam@Example.org, slack: { user: U1, team: T1 } }',
        '  - { name: Sam 2, email: sam@example.org, slack: { user: U1, team: T1 } }',
      ].join('\n'),
    );
    expect(err.problems.map((p) => p.message)).toEqual([
      'centre id "a" is listed twice (first at line 2)',
      'email "sam@example.org" is listed twice (first at line 5)',
      'slack identity "T1/U1" is listed twice (first at line 5)',
    ]);
  });

  it('reports YAML syntax errors with a line', () => {
    const err = fail('centres:\n  - id: a\n   name: [unclosed\n');
    expect(err.problems[0]!.line).toBeGreaterThanOrEqual(2);
  });
});
