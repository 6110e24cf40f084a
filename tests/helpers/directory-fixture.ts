import type { Store } from '../../src/store/store.js';
import { importDirectory } from '../../src/directory/import.js';
import { parseDirectoryFile } from '../../src/directory/file.js';
import type { Person } from '../../src/directory/types.js';

/** A small directory: two centres with a lead each, a lead of both, a network lead, an admin. */
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
