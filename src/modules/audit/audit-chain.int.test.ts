import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/support/test-database.ts';
import type { ServiceContext } from '../../core/context.ts';
import type { LocalDate } from '../../core/local-date.ts';
import { initTenant } from '../tenancy/index.ts';
import { exportAudit } from './export-audit.ts';
import { hashAuditRow, LEGACY_HASH } from './logic/hash-audit-row.ts';
import { type AuditRecord, recordAudit } from './record-audit.ts';
import { verifyAuditChain } from './verify-audit-chain.ts';

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => {
  await t?.close();
});

let tenants = 0;
/** A fresh tenant, so that each test tampers with a chain of its own. */
async function newTenant(): Promise<ServiceContext> {
  const init = await initTenant(t.database, t.ctx.clock, {
    slug: `chain${++tenants}`,
    currency: 'USD',
    actor: 'test',
  });
  return { ...t.ctx, tenantId: init.tenantId };
}

function records(call: number, n: number): AuditRecord[] {
  return Array.from({ length: n }, (_, i) => ({
    actor: `user${call}`,
    action: 'item.adjusted',
    objectType: 'item',
    objectId: `itm_${call}_${i}`,
    // Keys out of order, nested, unicode and bigints: jsonb reorders and renormalizes all of it.
    before: i === 0 ? undefined : { zeta: 1, alpha: { y: [1.5, null, 'é"\n'], b: true }, openMinor: 500n },
    after: { status: 'closed', openMinor: BigInt(call * 100 + i), note: `café ${i}` },
  }));
}

/** Writes `calls` transactions of `perCall` records each; returns the context. */
async function writeChain(ctx: ServiceContext, calls = 3, perCall = 4): Promise<void> {
  for (let c = 0; c < calls; c++) {
    await ctx.database.db.transaction().execute(async (tx) => {
      await recordAudit(tx, ctx.tenantId, records(c, perCall - 1));
      await recordAudit(tx, ctx.tenantId, records(c + 100, 1));
    });
  }
}

/** Runs SQL as a superuser would: with the append-only trigger disabled. */
async function tamper(statements: string): Promise<void> {
  await t.database.exec(`alter table audit_log disable trigger audit_log_append_only;
${statements}
alter table audit_log enable trigger audit_log_append_only;`);
}

async function idAt(ctx: ServiceContext, seq: bigint): Promise<string> {
  const r = await ctx.database.db
    .selectFrom('audit_log')
    .select('id')
    .where('tenant_id', '=', ctx.tenantId)
    .where('seq', '=', seq)
    .executeTakeFirstOrThrow();
  return r.id;
}

async function headOf(ctx: ServiceContext) {
  return ctx.database.db
    .selectFrom('audit_chain')
    .selectAll()
    .where('tenant_id', '=', ctx.tenantId)
    .where('lane', '=', 0)
    .executeTakeFirstOrThrow();
}

describe('the audit hash chain', () => {
  it('numbers rows 1..N across calls, links each to the previous hash, and verifies', async () => {
    const ctx = await newTenant();
    await writeChain(ctx);
    const rows = await ctx.database.db
      .selectFrom('audit_log')
      .select(['seq', 'prev_hash', 'hash'])
      .where('tenant_id', '=', ctx.tenantId)
      .orderBy('seq')
      .execute();
    // initTenant audits the entity it creates: the chain begins there.
    expect(rows.length).toBe(13);
    expect(rows.map((r) => r.seq)).toEqual(rows.map((_, i) => BigInt(i + 1)));
    expect(rows[0]?.prev_hash).toBe('0'.repeat(64));
    for (let i = 1; i < rows.length; i++) expect(rows[i]?.prev_hash).toBe(rows[i - 1]?.hash);
    const head = await headOf(ctx);
    expect(head).toMatchObject({ seq: 13n, hash: rows[12]?.hash, legacy_rows: 0n });

    const progress: number[] = [];
    const report = await verifyAuditChain(ctx, { onProgress: (p) => progress.push(p.rows) });
    expect(report).toEqual({
      ok: true,
      rows: 13,
      legacyRows: 0n,
      headSeq: 13n,
      headHash: head.hash,
      lanes: [{ lane: 0, seq: 13n, hash: head.hash }],
      failureCount: 0,
      failures: [],
    });
    expect(progress).toEqual([13]);
  });

  it('detects a row whose content was changed in the database', async () => {
    const ctx = await newTenant();
    await writeChain(ctx);
    expect((await verifyAuditChain(ctx)).ok).toBe(true);
    const id = await idAt(ctx, 6n);
    await tamper(
      `update audit_log set after = jsonb_set(after, '{openMinor}', '"1"') where tenant_id = ${ctx.tenantId} and id = '${id}';`,
    );
    const report = await verifyAuditChain(ctx);
    expect(report.ok).toBe(false);
    expect(report.failures).toEqual([
      { lane: 0, seq: 6n, id, problem: 'content does not match its hash: the row was changed' },
    ]);
  });

  it('detects a change to the time, the actor, or a JSON null turned into a value', async () => {
    const ctx = await newTenant();
    await writeChain(ctx);
    const [a, b, c] = [await idAt(ctx, 2n), await idAt(ctx, 5n), await idAt(ctx, 9n)];
    await tamper(`update audit_log set at = at + interval '1 millisecond' where id = '${a}';
update audit_log set actor = 'someone else' where id = '${b}';
update audit_log set before = '{}' where id = '${c}';`);
    const report = await verifyAuditChain(ctx);
    expect(report.failures.map((f) => [f.seq, f.id])).toEqual([
      [2n, a],
      [5n, b],
      [9n, c],
    ]);
  });

  it('detects a row deleted from the middle', async () => {
    const ctx = await newTenant();
    await writeChain(ctx);
    await tamper(`delete from audit_log where tenant_id = ${ctx.tenantId} and seq in (7, 8);`);
    const report = await verifyAuditChain(ctx);
    expect(report).toMatchObject({ ok: false, rows: 11, failureCount: 1 });
    expect(report.failures).toEqual([
      { lane: 0, seq: 7n, id: null, problem: 'rows 7..8 are missing: deleted' },
    ]);
  });

  it('detects the last row deleted', async () => {
    const ctx = await newTenant();
    await writeChain(ctx);
    await tamper(`delete from audit_log where tenant_id = ${ctx.tenantId} and seq = 13;`);
    const report = await verifyAuditChain(ctx);
    expect(report.failures).toEqual([
      { lane: 0, seq: 13n, id: null, problem: 'row 13 is missing at the end of the chain: deleted' },
    ]);
  });

  it('detects a head that does not hold the last hash; cannot detect a tail cut with its head rewound', async () => {
    const ctx = await newTenant();
    await writeChain(ctx);
    await ctx.database.db
      .updateTable('audit_chain')
      .set({ hash: 'f'.repeat(64) })
      .where('tenant_id', '=', ctx.tenantId)
      .where('lane', '=', 0)
      .execute();
    expect((await verifyAuditChain(ctx)).failures).toEqual([
      {
        lane: 0,
        seq: 13n,
        id: await idAt(ctx, 13n),
        problem: 'the chain head does not hold the last row’s hash',
      },
    ]);
    // The limit ADR 0013 names: delete the last row and move the head back to the one before, and
    // the chain is consistent again. Only a head hash recorded elsewhere shows it.
    const twelve = await ctx.database.db
      .selectFrom('audit_log')
      .select('hash')
      .where('tenant_id', '=', ctx.tenantId)
      .where('seq', '=', 12n)
      .executeTakeFirstOrThrow();
    await tamper(`delete from audit_log where tenant_id = ${ctx.tenantId} and seq = 13;
update audit_chain set seq = 12, hash = '${twelve.hash}' where tenant_id = ${ctx.tenantId} and lane = 0;`);
    expect(await verifyAuditChain(ctx)).toMatchObject({ ok: true, headSeq: 12n, headHash: twelve.hash });
  });

  it('shows, against heads recorded earlier, a tail cut with its head rewound and a consistent rewrite', async () => {
    const ctx = await newTenant();
    await writeChain(ctx);
    const recorded = (await verifyAuditChain(ctx)).lanes;
    expect(recorded).toEqual([{ lane: 0, seq: 13n, hash: expect.stringMatching(/^[0-9a-f]{64}$/) }]);
    await writeChain(ctx, 1, 2);
    // Appending since is fine: the recorded row is still there with its hash.
    expect(await verifyAuditChain(ctx, { expect: recorded })).toMatchObject({ ok: true, headSeq: 15n });

    // A forger rewrites row 13 and every row after it with recomputed hashes, and moves the head.
    const rows = await ctx.database.db
      .selectFrom('audit_log')
      .selectAll()
      .where('tenant_id', '=', ctx.tenantId)
      .where('seq', '>=', 12n)
      .orderBy('seq')
      .execute();
    let prev = rows[0]?.hash as string;
    const updates: string[] = [];
    for (const r of rows.slice(1)) {
      const actor = r.seq === 13n ? 'mallory' : r.actor;
      const hash = hashAuditRow(prev, {
        tenantId: ctx.tenantId,
        seq: r.seq as bigint,
        id: r.id,
        at: r.at as Date,
        actor,
        action: r.action,
        objectType: r.object_type,
        objectId: r.object_id,
        before: r.before,
        after: r.after,
        requestId: r.request_id,
        source: r.source,
      });
      updates.push(
        `update audit_log set actor = '${actor}', prev_hash = '${prev}', hash = '${hash}' where tenant_id = ${ctx.tenantId} and id = '${r.id}';`,
      );
      prev = hash;
    }
    await tamper(`${updates.join('\n')}
update audit_chain set hash = '${prev}' where tenant_id = ${ctx.tenantId} and lane = 0;`);
    expect(await verifyAuditChain(ctx)).toMatchObject({ ok: true });
    const report = await verifyAuditChain(ctx, { expect: recorded });
    expect(report.ok).toBe(false);
    expect(report.failures).toEqual([
      {
        lane: 0,
        seq: 13n,
        id: await idAt(ctx, 13n),
        problem: `the hash recorded earlier for this position (${recorded[0]?.hash.slice(0, 16)}…) is not the row's: the trail was rewritten since`,
      },
    ]);

    // The tail cut back below the recorded position, head moved back with it.
    const twelve = rows[0]?.hash as string;
    await tamper(`delete from audit_log where tenant_id = ${ctx.tenantId} and seq > 12;
update audit_chain set seq = 12, hash = '${twelve}' where tenant_id = ${ctx.tenantId} and lane = 0;`);
    expect(await verifyAuditChain(ctx)).toMatchObject({ ok: true, headSeq: 12n });
    expect((await verifyAuditChain(ctx, { expect: recorded })).failures).toEqual([
      {
        lane: 0,
        seq: 13n,
        id: null,
        problem: `row 13, recorded earlier with hash ${recorded[0]?.hash.slice(0, 16)}…, is gone: the trail was cut back since`,
      },
    ]);
  });

  it('detects rows inserted outside the chain, even with a correctly computed hash', async () => {
    const ctx = await newTenant();
    await writeChain(ctx);
    const head = await headOf(ctx);
    // A forger who knows the algorithm links a row to the head, but cannot move the head unseen.
    const at = new Date('2026-07-01T00:00:00.000Z');
    const forged = hashAuditRow(head.hash, {
      tenantId: ctx.tenantId,
      seq: 14n,
      id: 'aud_forged',
      at,
      actor: 'mallory',
      action: 'item.written_off',
      objectType: 'item',
      objectId: 'itm_x',
      before: null,
      after: null,
      requestId: null,
      source: null,
    });
    await ctx.database.db
      .insertInto('audit_log')
      .values([
        {
          tenant_id: ctx.tenantId,
          id: 'aud_forged',
          lane: 0,
          seq: 14n,
          at,
          actor: 'mallory',
          action: 'item.written_off',
          object_type: 'item',
          object_id: 'itm_x',
          prev_hash: head.hash,
          hash: forged,
        },
        { tenant_id: ctx.tenantId, id: 'aud_noseq', actor: 'mallory', action: 'x', object_type: 'x' },
        {
          tenant_id: ctx.tenantId,
          id: 'aud_far',
          // Far beyond: verify jumps the empty windows of positions between.
          seq: 1_000_000n,
          actor: 'mallory',
          action: 'x',
          object_type: 'x',
          prev_hash: 'f'.repeat(64),
          hash: 'e'.repeat(64),
        },
      ])
      .execute();
    const report = await verifyAuditChain(ctx);
    expect(report).toMatchObject({ ok: false, rows: 16, failureCount: 5 });
    expect(report.failures).toEqual([
      {
        lane: 0,
        seq: 14n,
        id: 'aud_forged',
        problem: 'beyond the chain head (13): inserted outside the chain',
      },
      { lane: 0, seq: 15n, id: null, problem: 'rows 15..999999 are missing: deleted' },
      {
        lane: 0,
        seq: 1_000_000n,
        id: 'aud_far',
        problem: 'beyond the chain head (13): inserted outside the chain',
      },
      {
        lane: 0,
        seq: 1_000_000n,
        id: 'aud_far',
        problem: 'content does not match its hash: the row was changed',
      },
      { lane: 0, seq: null, id: 'aud_noseq', problem: 'no position: inserted outside the chain' },
    ]);
  });

  it('detects a row sharing a position, once the unique index is gone, and exports both', async () => {
    const ctx = await newTenant();
    await writeChain(ctx);
    const original = await idAt(ctx, 5n);
    await tamper(`drop index audit_log_lane_seq;
insert into audit_log (tenant_id, id, seq, actor, action, object_type, prev_hash, hash)
  values (${ctx.tenantId}, 'aud_dup', 5, 'mallory', 'x', 'x', 'f', 'e');`);
    try {
      const report = await verifyAuditChain(ctx);
      expect(report).toMatchObject({ ok: false, rows: 14, failureCount: 1 });
      expect(report.failures).toEqual([
        {
          lane: 0,
          seq: 5n,
          id: 'aud_dup',
          problem: `position 5 is also held by ${original}: a row was inserted outside the chain`,
        },
      ]);
      const exported = [];
      for await (const r of exportAudit(ctx)) exported.push(r.id);
      expect(exported.length).toBe(14);
      expect(exported.slice(4, 6)).toEqual([original, 'aud_dup']);
    } finally {
      await tamper(`delete from audit_log where id = 'aud_dup';
create unique index audit_log_lane_seq on audit_log (tenant_id, lane, seq);`);
    }
  });

  it('detects two rows whose contents were swapped, and two rows swapped in order', async () => {
    const ctx = await newTenant();
    await writeChain(ctx);
    const [a, b] = [await idAt(ctx, 3n), await idAt(ctx, 10n)];
    await tamper(`update audit_log x set actor = y.actor, action = y.action, object_id = y.object_id,
    before = y.before, after = y.after
  from (select id, actor, action, object_id, before, after from audit_log) y
  where (x.id, y.id) in (('${a}', '${b}'), ('${b}', '${a}'));`);
    const swapped = await verifyAuditChain(ctx);
    expect(swapped.failures.map((f) => [f.seq, f.id, f.problem])).toEqual([
      [3n, a, 'content does not match its hash: the row was changed'],
      [10n, b, 'content does not match its hash: the row was changed'],
    ]);

    const other = await newTenant();
    await writeChain(other);
    const [c, d] = [await idAt(other, 4n), await idAt(other, 5n)];
    await tamper(`update audit_log set seq = -1 where id = '${c}';
update audit_log set seq = 4 where id = '${d}';
update audit_log set seq = 5 where id = '${c}';`);
    const reordered = await verifyAuditChain(other);
    expect(reordered.ok).toBe(false);
    expect(reordered.failures.map((f) => f.seq)).toEqual([4n, 4n, 5n, 5n, 6n]);
    expect(reordered.failures[0]).toEqual({
      lane: 0,
      seq: 4n,
      id: d,
      problem: 'prev_hash is not the hash of row 3: rows were reordered or the previous row rewritten',
    });
  });

  it('detects a rewritten row whose hash was recomputed, at the next row', async () => {
    const ctx = await newTenant();
    await writeChain(ctx);
    const row = await ctx.database.db
      .selectFrom('audit_log')
      .selectAll()
      .where('tenant_id', '=', ctx.tenantId)
      .where('seq', '=', 5n)
      .executeTakeFirstOrThrow();
    const rehash = hashAuditRow(row.prev_hash as string, {
      tenantId: ctx.tenantId,
      seq: 5n,
      id: row.id,
      at: row.at,
      actor: 'mallory',
      action: row.action,
      objectType: row.object_type,
      objectId: row.object_id,
      before: row.before,
      after: row.after,
      requestId: row.request_id,
      source: row.source,
    });
    await tamper(`update audit_log set actor = 'mallory', hash = '${rehash}' where id = '${row.id}';`);
    const report = await verifyAuditChain(ctx);
    expect(report.failures).toEqual([
      {
        lane: 0,
        seq: 6n,
        id: await idAt(ctx, 6n),
        problem: 'prev_hash is not the hash of row 5: rows were reordered or the previous row rewritten',
      },
    ]);
  });

  it('reads the chain in pages and counts every failure while listing the first hundred', async () => {
    const ctx = await newTenant();
    const many = Array.from({ length: 12_000 }, (_, i) => ({
      actor: 'import',
      action: 'item.created',
      objectType: 'item',
      objectId: `itm_${i}`,
      after: { i },
    }));
    await recordAudit(ctx.database.db, ctx.tenantId, many);
    const progress: number[] = [];
    expect(await verifyAuditChain(ctx, { onProgress: (p) => progress.push(p.rows) })).toMatchObject({
      ok: true,
      rows: 12_001,
      headSeq: 12_001n,
    });
    expect(progress).toEqual([5000, 10_000, 12_001]);
    await tamper(
      `update audit_log set actor = 'x' where tenant_id = ${ctx.tenantId} and seq > 5000 and seq <= 5150;`,
    );
    const report = await verifyAuditChain(ctx);
    expect(report).toMatchObject({ ok: false, failureCount: 150 });
    expect(report.failures.length).toBe(100);
    expect(report.failures[0]?.seq).toBe(5001n);
  });

  it('continues a legacy prefix: numbered rows without hashes, sealed by their count', async () => {
    const ctx = await newTenant();
    // What migration 04 left for a tenant that had audit rows before it: seq 1..n, no hashes.
    await ctx.database.db
      .insertInto('audit_log')
      .values(
        ['aud_l1', 'aud_l2'].map((id) => ({
          tenant_id: ctx.tenantId,
          id,
          actor: 'old',
          action: 'x',
          object_type: 'x',
        })),
      )
      .execute();
    await tamper(`update audit_log set seq = null, prev_hash = null, hash = null where tenant_id = ${ctx.tenantId};
update audit_log a set seq = n.seq from (select id, row_number() over (order by at, id) as seq
  from audit_log where tenant_id = ${ctx.tenantId}) n where a.tenant_id = ${ctx.tenantId} and a.id = n.id;
update audit_chain set seq = 3, hash = 'legacy', legacy_rows = 3 where tenant_id = ${ctx.tenantId} and lane = 0;`);
    await recordAudit(ctx.database.db, ctx.tenantId, records(1, 2));
    const first = await ctx.database.db
      .selectFrom('audit_log')
      .select(['seq', 'prev_hash'])
      .where('tenant_id', '=', ctx.tenantId)
      .where('seq', '=', 4n)
      .executeTakeFirstOrThrow();
    expect(first.prev_hash).toBe(LEGACY_HASH);
    expect(await verifyAuditChain(ctx)).toMatchObject({ ok: true, rows: 5, legacyRows: 3n, headSeq: 5n });

    await tamper(`delete from audit_log where tenant_id = ${ctx.tenantId} and seq = 2;`);
    expect((await verifyAuditChain(ctx)).failures).toEqual([
      { lane: 0, seq: 2n, id: null, problem: 'row 2 is missing: deleted' },
    ]);
  });

  it('leaves the chain intact when an audited transaction rolls back', async () => {
    const ctx = await newTenant();
    await writeChain(ctx, 1, 2);
    await expect(
      ctx.database.db.transaction().execute(async (tx) => {
        await recordAudit(tx, ctx.tenantId, records(9, 3));
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    await writeChain(ctx, 1, 2);
    expect(await verifyAuditChain(ctx)).toMatchObject({ ok: true, rows: 5, headSeq: 5n });
  });

  it('exports the rows in chain order with their hashes, by UTC day of `at`', async () => {
    const ctx = await newTenant();
    await writeChain(ctx, 2, 3);
    const all = [];
    for await (const r of exportAudit(ctx)) all.push(r);
    expect(all.map((r) => r.seq)).toEqual([1n, 2n, 3n, 4n, 5n, 6n, 7n]);
    expect(all[1]).toMatchObject({
      actor: 'user0',
      objectType: 'item',
      before: null,
      after: { status: 'closed', openMinor: '0', note: 'café 0' },
      prevHash: all[0]?.hash,
      hash: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    const today = new Date().toISOString().slice(0, 10) as LocalDate;
    const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10) as LocalDate;
    const count = async (opts: { from?: LocalDate; to?: LocalDate }) => {
      let n = 0;
      for await (const _ of exportAudit(ctx, opts)) n++;
      return n;
    };
    // `at` is the wall-clock time of writing (a minute's margin around midnight UTC).
    expect(await count({ from: yesterday, to: today })).toBe(7);
    expect(await count({ to: yesterday })).toBeLessThan(7);
    await expect(count({ from: today, to: yesterday })).rejects.toThrow(/ends .* before it starts/);
  });

  it.skipIf(!inject('pgTemplateUrl'))(
    'spreads transactions writing at once over lanes, each lane dense and linked (server only)',
    async () => {
      const ctx = await newTenant();
      await Promise.all(
        Array.from({ length: 8 }, (_, w) =>
          ctx.database.db.transaction().execute(async (tx) => {
            for (let k = 0; k < 5; k++) {
              await recordAudit(tx, ctx.tenantId, records(w * 10 + k, 3));
              await new Promise((r) => setTimeout(r, 1));
            }
          }),
        ),
      );
      const report = await verifyAuditChain(ctx);
      expect(report).toMatchObject({ ok: true, rows: 121, headSeq: 121n, failureCount: 0 });
      const rows = await ctx.database.db
        .selectFrom('audit_log')
        .select(['lane', 'seq', 'actor'])
        .where('tenant_id', '=', ctx.tenantId)
        .orderBy('lane')
        .orderBy('seq')
        .execute();
      const byLane = new Map<number, { seq: bigint | null; actor: string }[]>();
      for (const r of rows) byLane.set(r.lane, [...(byLane.get(r.lane) ?? []), r]);
      // The pool has four connections: four transactions hold four lanes at once.
      expect(byLane.size).toBeGreaterThan(1);
      for (const list of byLane.values())
        expect(list.map((r) => r.seq)).toEqual(list.map((_, i) => BigInt(i + 1)));
      // A transaction's calls stay in the lane it took first.
      const lanesOf = new Map<string, Set<number>>();
      for (const r of rows) {
        const writer = r.actor.replace(/^user(\d*)\d$/, '$1');
        lanesOf.set(writer, (lanesOf.get(writer) ?? new Set()).add(r.lane));
      }
      for (const [writer, lanes] of lanesOf)
        if (writer !== 'test') expect([writer, lanes.size]).toEqual([writer, 1]);
      expect(report.lanes.map((l) => l.lane)).toEqual([...byLane.keys()].sort((a, b) => a - b));
      expect(report.headHash).toBe(
        createHash('sha256')
          .update(report.lanes.map((l) => `${l.lane}:${l.seq}:${l.hash}\n`).join(''))
          .digest('hex'),
      );
    },
  );

  /** Two committed transactions that overlapped: the second took lane 1. */
  async function twoLanes(ctx: ServiceContext): Promise<void> {
    const first = await ctx.database.db.startTransaction().execute();
    await recordAudit(first, ctx.tenantId, records(1, 2));
    await ctx.database.db.transaction().execute((tx) => recordAudit(tx, ctx.tenantId, records(2, 3)));
    await first.commit().execute();
  }

  it.skipIf(!inject('pgTemplateUrl'))(
    'detects a lane whose head was deleted, a row moved to another lane, and a whole lane removed (server only)',
    async () => {
      const ctx = await newTenant();
      await writeChain(ctx, 1, 2);
      await twoLanes(ctx);
      const clean = await verifyAuditChain(ctx);
      expect(clean).toMatchObject({ ok: true, rows: 8 });
      expect(clean.lanes.map((l) => [l.lane, l.seq])).toEqual([
        [0, 5n],
        [1, 3n],
      ]);

      await tamper(
        `update audit_log set lane = 0, seq = 6 where tenant_id = ${ctx.tenantId} and lane = 1 and seq = 3;`,
      );
      expect((await verifyAuditChain(ctx)).failures).toEqual([
        {
          lane: 0,
          seq: 6n,
          id: expect.any(String),
          problem: 'beyond the chain head (5): inserted outside the chain',
        },
        // Its position is part of its hash, and it does not link to lane 0's last row.
        {
          lane: 0,
          seq: 6n,
          id: expect.any(String),
          problem: 'prev_hash is not the hash of row 5: rows were reordered or the previous row rewritten',
        },
        {
          lane: 0,
          seq: 6n,
          id: expect.any(String),
          problem: 'content does not match its hash: the row was changed',
        },
        { lane: 1, seq: 3n, id: null, problem: 'row 3 is missing at the end of lane 1: deleted' },
      ]);
      await tamper(
        `update audit_log set lane = 1, seq = 3 where tenant_id = ${ctx.tenantId} and lane = 0 and seq = 6;`,
      );
      expect(await verifyAuditChain(ctx)).toMatchObject({ ok: true });

      // Lane 1's rows and its head removed together: the other lanes' heads still show it existed.
      await tamper(`delete from audit_log where tenant_id = ${ctx.tenantId} and lane = 1;
alter table audit_chain disable trigger audit_chain_no_delete;
delete from audit_chain where tenant_id = ${ctx.tenantId} and lane = 1;
alter table audit_chain enable trigger audit_chain_no_delete;`);
      const report = await verifyAuditChain(ctx);
      expect(report.ok).toBe(false);
      expect(report.failures).toEqual([
        { lane: 1, seq: null, id: null, problem: 'the head of lane 1 is missing: it was deleted' },
      ]);
    },
  );
});
