import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { sourceFiles, violations } from './layers.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

describe('layers', () => {
  it('no file imports upward, across the edges, or a library outside its place', () => {
    const files = sourceFiles(ROOT);
    expect(files.length).toBeGreaterThan(100);
    expect(violations(files).map((v) => `${v.file}: ${v.why}${v.imports ? ` ('${v.imports}')` : ''}`)).toEqual([]);
  });

  it('the check catches each kind of breach', () => {
    const found = violations([
      { path: 'src/bot/bad.ts', text: "import { startJobs } from '../../jobs/index.js';" },
      { path: 'src/shared/bad.ts', text: "import type { Person } from '../directory/types.js';" },
      { path: 'src/digest/bad.ts', text: "export { createBot } from '../bot/bot.js';" },
      { path: 'src/store/bad.ts', text: "const m = await import('../../app/compose.js');" },
      { path: 'src/attendance/bad.ts', text: "import { App } from '@slack/bolt';" },
      { path: 'src/bot/bad2.ts', text: "import type { TurnContext } from 'botbuilder';" },
      { path: 'jobs/bad.ts', text: "import { createSlackAdapter } from '../adapters/slack/index.js';" },
      { path: 'adapters/slack/bad.ts', text: "import { TeamsNotifier } from '../teams/notifier.js';" },
      { path: 'adapters/teams/bad.ts', text: "import { Queue } from 'bullmq';" },
      { path: 'src/newfolder/thing.ts', text: '' },
    ]);
    expect(found.map((v) => v.file)).toEqual([
      'src/bot/bad.ts',
      'src/shared/bad.ts',
      'src/digest/bad.ts',
      'src/store/bad.ts',
      'src/attendance/bad.ts',
      'src/bot/bad2.ts',
      'jobs/bad.ts',
      'adapters/slack/bad.ts',
      'adapters/teams/bad.ts',
      'src/newfolder/thing.ts',
    ]);
  });

  it('downward imports, comments and strings are not breaches', () => {
    expect(
      violations([
        { path: 'app/compose.ts', text: "import { createSlackAdapter } from '../adapters/slack/index.js';\nimport { startJobs } from '../jobs/index.js';" },
        { path: 'adapters/slack/ok.ts', text: "import type { Bot } from '../../src/bot/index.js';\nimport { App } from '@slack/bolt';" },
        { path: 'src/bot/ok.ts', text: "// import { App } from '@slack/bolt';\nconst s = \"from '../../jobs/index.js'\";\nimport { isIsoDate } from '../shared/calendar.js';" },
      ]),
    ).toEqual([]);
  });
});
