import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/support/test-database.ts';
import { withAuditContext } from './audit-context.ts';
import { recordAudit } from './record-audit.ts';

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
      .select((e) => [e.fn.countAll<bigint>().as('n'), e.fn.min('seq').as('lo'), e.fn.max('seq').as('hi')])
      .where('action', '=', 'test.bulk')
      .executeTakeFirstOrThrow();
    expect(n.n).toBe(7001n);
    expect(BigInt(n.hi as bigint) - BigInt(n.lo as bigint)).toBe(7000n);
  });

  it('stores before and after as JSON (bigints as strings), and the request context when not given', async () => {
    await withAuditContext({ requestId: 'req_1', source: '192.0.2.7' }, () =>
      t.database.db.transaction().execute(async (tx) => {
        // Another request's context does not leak into this one.
        await withAuditContext({ requestId: 'req_2' }, async () => {});
        await recordAudit(tx, t.ctx.tenantId, [
          {
            actor: 'ana',
            action: 'item.written_off',
            objectType: 'item',
            objectId: 'itm_1',
            before: { openMinor: 10_000n, status: 'open' },
            after: { openMinor: 0n, status: 'closed' },
          },
          {
            actor: 'ana',
            action: 'x.y',
            objectType: 'x',
            objectId: null,
            requestId: 'req_own',
            source: 'cli',
          },
        ]);
      }),
    );
    await recordAudit(t.database.db, t.ctx.tenantId, [
      { actor: 'ana', action: 'x.z', objectType: 'x', objectId: null },
    ]);
    const rows = await t.database.db
      .selectFrom('audit_log')
      .select(['action', 'before', 'after', 'request_id', 'source'])
      .where('tenant_id', '=', t.ctx.tenantId)
      .where('action', 'in', ['item.written_off', 'x.y', 'x.z'])
      .orderBy('seq')
      .execute();
    expect(rows).toEqual([
      {
        action: 'item.written_off',
        before: { openMinor: '10000', status: 'open' },
        after: { openMinor: '0', status: 'closed' },
        request_id: 'req_1',
        source: '192.0.2.7',
      },
      { action: 'x.y', before: null, after: null, request_id: 'req_own', source: 'cli' },
      { action: 'x.z', before: null, after: null, request_id: null, source: null },
    ]);
  });
});
