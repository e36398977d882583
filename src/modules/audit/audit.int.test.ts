import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/support/test-database.ts';
import { recordAudit } from './audit.repo.ts';

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => {
  await t?.close();
});

describe('recordAudit', () => {
  it('writes any number of records, beyond one statement’s parameter limit', async () => {
    const records = Array.from({ length: 7001 }, (_, i) => ({
      actor: 'test',
      action: 'test.bulk',
      objectType: 'thing',
      objectId: `thing_${i}`,
      after: { i },
    }));
    await recordAudit(t.database.db, t.ctx.tenantId, records);
    const n = await t.database.db
      .selectFrom('audit_log')
      .select((e) => e.fn.countAll<bigint>().as('n'))
      .where('action', '=', 'test.bulk')
      .executeTakeFirstOrThrow();
    expect(n.n).toBe(7001n);
  });
});
