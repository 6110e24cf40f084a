import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COULD_NOT_SAVE, StoreWriteError, UnavailableError } from '../../src/errors.js';
import { errorReply } from '../../src/bot/error-reply.js';
import { mapDbError } from '../../src/store/errors.js';
import { ENGINES, openTestStore, type TestStore } from '../helpers/store.js';

/** A driver error as pg and PGlite throw them: a message and a SQLSTATE or errno code. */
const dbError = (code: string, message: string) => Object.assign(new Error(message), { code });

describe('a refused write is StoreWriteError, with the reason an operator searches for', () => {
  it.each([
    ['53100', 'could not extend file "base/5/16392": No space left on device', 'ENOSPC'],
    ['53100', 'could not write to file "pg_wal/xlogtemp.42": No space left on device', 'ENOSPC'],
    ['42501', 'permission denied for table attendance_returns', 'insufficient_privilege'],
    ['42501', 'could not open file "base/5/16392": Permission denied', 'EACCES'],
    ['25006', 'cannot execute INSERT in a read-only transaction', 'read_only_sql_transaction'],
    ['58030', 'could not write block 3 in file "base/5/1": Input/output error', 'EIO'],
    ['ENOSPC', 'ENOSPC: no space left on device, write', 'ENOSPC'],
    ['EROFS', 'EROFS: read-only file system, open', 'EROFS'],
  ])('%s %s -> %s', (code, message, reason) => {
    const mapped = mapDbError(dbError(code, message));
    expect(mapped).toBeInstanceOf(StoreWriteError);
    expect(mapped).toMatchObject({ code: 'store_write_failed', reason });
    expect(errorReply(mapped).text).toBe(COULD_NOT_SAVE);
  });

  it('the person never sees the engine\'s words', () => {
    const reply = errorReply(mapDbError(dbError('53100', 'could not extend file "base/5/16392": No space left on device')));
    expect(JSON.stringify(reply)).not.toMatch(/base\/5|No space/);
  });

  it('other failures keep their meaning: unreachable is UnavailableError, a unique violation stays as it is', () => {
    expect(mapDbError(dbError('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:5432'))).toBeInstanceOf(UnavailableError);
    expect(mapDbError(dbError('53300', 'sorry, too many clients already'))).toBeInstanceOf(UnavailableError);
    const unique = dbError('23505', 'duplicate key value violates unique constraint');
    expect(mapDbError(unique)).toBe(unique);
  });
});

describe.each(ENGINES)('the write probe on %s', (engine) => {
  let t: TestStore;
  beforeAll(async () => {
    t = await openTestStore(engine);
  });
  afterAll(async () => {
    await t?.close();
  });

  const writes = async () => (await t.store.db.query<{ writes: number }>('SELECT writes FROM store_health WHERE id = 1')).rows[0]!.writes;

  it('writes, and /healthz polled under load writes once per 5 s (every answer still checks the database)', async () => {
    const before = await writes();
    const answers = await Promise.all(Array.from({ length: 20 }, () => t.store.health()));
    for (const a of answers) expect(a).toMatchObject({ ok: true, engine });
    for (let i = 0; i < 5; i++) expect(await t.store.health()).toMatchObject({ ok: true });
    expect(await writes()).toBe(before + 1);
  });
});
