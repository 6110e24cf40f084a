import type { Store } from '../../src/store/store.js';
import { importDirectory } from '../../src/directory/import.js';
import { parseDirectoryFile } from '../../src/directory/file.js';
import type { Person } from '../../src/directory/types.js';
import type { TeamsUser } from '../../adapters/teams/index.js';
import { FAKE_TEAM } from './fake-slack.js';

/**
 * The test directory, one for every test that runs the server (Slack, Teams, both at once, faults): the same people
 * on both platforms, so one person's words can be sent through either adapter.
 */
export const TEAM = FAKE_TEAM;
export const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';

/** Slack member ids. */
export const USERS = {
  lead: 'U0LEAD001',
  multiLead: 'U0LEAD002',
  network: 'U0NET0001',
  admin: 'U0ADMIN01',
  staff: 'U0STAFF01',
} as const;

/** The same people in Teams (staff is in no entry: plain staff). */
export const TEAMS_USERS = {
  lead: { aadObjectId: '6f1c2a3b-0000-4000-8000-00000000a001', tenantId: TENANT },
  multiLead: { aadObjectId: '6f1c2a3b-0000-4000-8000-00000000a002', tenantId: TENANT },
  network: { aadObjectId: '6f1c2a3b-0000-4000-8000-00000000a003', tenantId: TENANT },
  admin: { aadObjectId: '6f1c2a3b-0000-4000-8000-00000000a004', tenantId: TENANT },
  staff: { aadObjectId: '6f1c2a3b-0000-4000-8000-00000000a999', tenantId: TENANT },
} satisfies Record<keyof typeof USERS, TeamsUser>;

/** Microsoft 365 Agents Playground's default user, registered as a lead so the playground can try attendance. */
export const PLAYGROUND_USER = { aadObjectId: '00000000-0000-0000-0000-0000000000020', tenantId: '00000000-0000-0000-0000-0000000000001' };

/** The directory with the playground's user as a second lead of Acland Burghley (Teams only). */
export function withPlaygroundLead(yaml: string): string {
  return yaml.replace(
    'digest:',
    `  - name: Alex Wilber\n    email: alex.wilber@example.org\n    roles: [oc_lead]\n    centres: [acland-burghley]\n    teams: { aadObjectId: ${PLAYGROUND_USER.aadObjectId}, tenantId: ${PLAYGROUND_USER.tenantId} }\ndigest:`,
  );
}

export const DIRECTORY_YAML = `
centres:
  - id: acland-burghley
    name: Acland Burghley Opportunity Centre
    from: 2026-01-05
  - id: la-sainte-union
    name: La Sainte Union Opportunity Centre
    from: 2026-01-05
  - id: camden-career-club
    name: Camden Career Club at the Euston Skills Centre
    from: 2026-01-05
  - id: london-ai-campus
    name: London AI Campus
    from: 2026-01-05
people:
  - name: Sam Okafor
    email: sam.okafor@example.org
    roles: [oc_lead]
    centres: [acland-burghley]
    slack: { user: ${USERS.lead}, team: ${TEAM} }
    teams: { aadObjectId: ${TEAMS_USERS.lead.aadObjectId}, tenantId: ${TENANT} }
  - name: Priya Shah
    email: priya.shah@example.org
    roles: [oc_lead]
    centres: [camden-career-club, london-ai-campus]
    slack: { user: ${USERS.multiLead}, team: ${TEAM} }
    teams: { aadObjectId: ${TEAMS_USERS.multiLead.aadObjectId}, tenantId: ${TENANT} }
  - name: Nia Roberts
    email: nia.roberts@example.org
    roles: [network_lead]
    slack: { user: ${USERS.network}, team: ${TEAM} }
    teams: { aadObjectId: ${TEAMS_USERS.network.aadObjectId}, tenantId: ${TENANT} }
  - name: Alex Admin
    email: alex.admin@example.org
    roles: [admin]
    slack: { user: ${USERS.admin}, team: ${TEAM} }
    teams: { aadObjectId: ${TEAMS_USERS.admin.aadObjectId}, tenantId: ${TENANT} }
  - name: Jo Bloggs
    email: jo.bloggs@example.org
    roles: []
digest:
  slackChannels: [C0DIGEST1]
`;

/**
 * The domain tests' seed (services and the store without a server): co-leads of one centre, an inactive centre and
 * an admin with no chat identity, which the rules of returns and rights need.
 */
export const FIXTURE_YAML = `
centres:
  - id: acland-burghley
    name: Acland Burghley Opportunity Centre
    from: 2026-01-05
  - id: la-sainte-union
    name: La Sainte Union Opportunity Centre
    from: 2026-01-05
  - id: closed-centre
    name: Closed Centre
    from: 2026-01-05
    active: false
people:
  - name: Sam Okafor
    email: sam.okafor@example.org
    roles: [oc_lead]
    centres: [acland-burghley]
    slack: { user: U0LEAD001, team: T0CAMDEN }
  - name: Priya Shah
    email: priya.shah@example.org
    roles: [oc_lead]
    centres: [acland-burghley, la-sainte-union]
    teams: { aadObjectId: aad-priya, tenantId: tenant-1 }
  - name: Nia Network
    email: nia.network@example.org
    roles: [network_lead]
    slack: { user: U0NET0001, team: T0CAMDEN }
  - name: Ada Admin
    email: ada.admin@example.org
    roles: [admin]
digest:
  slackChannels: [C0DIGEST1]
  teamsChannels: []
`;

export interface Fixture {
  sam: Person;
  priya: Person;
  nia: Person;
  ada: Person;
}

export async function seedDirectory(store: Store): Promise<Fixture> {
  await importDirectory(store, parseDirectoryFile(FIXTURE_YAML));
  const get = async (email: string) => (await store.directory.findPersonByEmail(email))!;
  return {
    sam: await get('sam.okafor@example.org'),
    priya: await get('priya.shah@example.org'),
    nia: await get('nia.network@example.org'),
    ada: await get('ada.admin@example.org'),
  };
}
