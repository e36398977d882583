import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiHarness, createApiHarness } from '../../test/support/api-harness.ts';
import { csv, importCsv } from '../../test/support/import-text.ts';
import { receiptDraft } from '../../test/support/receipt-draft.ts';
import type { LocalDate } from '../core/local-date.ts';
import { verifyAuditChain } from '../modules/audit/index.ts';
import { checkLedger } from '../modules/integrity/index.ts';
import { createReceivablesService } from '../modules/receivables/index.ts';
import { createApp } from './app.ts';
import { applyTogether } from './apply-together.ts';
import type { ApiDeps } from './env.ts';
import { memoryLogger } from './logger.ts';

// ADR 0017 over HTTP: POST /api/receipts/{id}/apply requests of one user that arrive together share
// a transaction on a PostgreSQL server (one at a time on the embedded engine). Either way every
// request gets the answer it would get alone: no money applied twice or beyond what is open, a
// replayed key answers the first answer, a failed request leaves no key, one audit row per request.

let h: ApiHarness;
let deps: ApiDeps;
let app: ReturnType<typeof createApp>;

const RECEIPTS = ['rct_p1', 'rct_p2', 'rct_p3', 'rct_p4'];

beforeAll(async () => {
  h = await createApiHarness({ today: '2026-06-30' as LocalDate });
  deps = { database: h.database, clock: h.ctx.clock, logger: memoryLogger(), loginAttemptsPerMinute: 1000 };
  app = createApp(deps);
  await importCsv(h.ctx, 'customers', csv(['account_number,name', 'P1,Poplar Health', 'P2,Pine Clinics']));
  await importCsv(
    h.ctx,
    'invoices',
    csv([
      'invoice_number,account_number,type,issue_date,amount',
      ...Array.from({ length: 8 }, (_, i) => `PI-${i + 1},P${(i % 2) + 1},invoice,2026-05-0${i + 1},100.00`),
      'PX-1,P1,invoice,2026-05-20,100.00',
      'PK-1,P2,invoice,2026-05-21,1000.00',
    ]),
  );
  const entity = await h.database.db.selectFrom('entities').select('id').executeTakeFirstOrThrow();
  const receipt = (id: string) =>
    receiptDraft(entity.id, { id, reference: id.toUpperCase(), amountMinor: 100_000n, date: '2026-06-10' });
  await createReceivablesService(h.ctx).postReceipts(h.database.db, RECEIPTS.map(receipt));
}, 60_000);

afterAll(async () => {
  await h?.close();
});

interface Sent {
  status: number;
  body: { code?: string; applicationIds?: string[]; unapplied?: string };
  text: string;
  requestId: string | null;
  replayed: boolean;
}

async function apply(receipt: string, number: string, amount: string, key?: string): Promise<Sent> {
  const res = await app.request(`/api/receipts/${receipt}/apply`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${h.tokens.cash_applier}`,
      'content-type': 'application/json',
      ...(key ? { 'idempotency-key': key } : {}),
    },
    body: JSON.stringify({ rows: [{ kind: 'item', number, amount }] }),
  });
  const text = await res.text();
  return {
    status: res.status,
    body: JSON.parse(text),
    text,
    requestId: res.headers.get('x-request-id'),
    replayed: res.headers.get('idempotent-replayed') === 'true',
  };
}

const open = async (number: string) =>
  (
    await h.database.db
      .selectFrom('items')
      .select('open_minor')
      .where('number', '=', number)
      .executeTakeFirstOrThrow()
  ).open_minor;

const batcher = () => applyTogether(deps);

describe('manual applications sent together', () => {
  it('applies each once, with its own answer and audit row', async () => {
    const before = { ...(batcher()?.stats ?? { batches: 0, together: 0 }) };
    const sent = await Promise.all(
      Array.from({ length: 48 }, (_, i) =>
        apply(RECEIPTS[i % 4] as string, `PI-${(i % 8) + 1}`, '10.00', `many-${i}`),
      ),
    );
    expect(sent.map((s) => s.status)).toEqual(sent.map(() => 200));
    for (let n = 1; n <= 8; n++) expect(await open(`PI-${n}`)).toBe(4000n);
    // On a server most of them went in batches; the embedded engine has no batcher.
    const stats = batcher()?.stats;
    if (h.database.kind === 'postgres') {
      expect(stats?.batches).toBeGreaterThan(before.batches);
      expect((stats?.together ?? 0) - before.together).toBeGreaterThan(24);
    } else expect(stats).toBeUndefined();
    // Each answer's applications are in the audit row of its request.
    const audit = await h.database.db
      .selectFrom('audit_log')
      .select(['request_id', 'after', 'actor', 'object_id'])
      .where('action', '=', 'cash.applied_manually')
      .execute();
    const byRequest = new Map(audit.map((a) => [a.request_id, a]));
    expect(byRequest.size).toBe(audit.length);
    for (const s of sent) {
      const row = byRequest.get(s.requestId);
      expect(row?.actor).toBe('cash_applier');
      expect((row?.after as { applications?: string[] } | undefined)?.applications).toEqual(
        s.body.applicationIds,
      );
    }
    // Every key answers its first answer again.
    for (const [i, s] of sent.entries()) {
      const again = await apply(RECEIPTS[i % 4] as string, `PI-${(i % 8) + 1}`, '10.00', `many-${i}`);
      expect(again.replayed).toBe(true);
      expect(again.text).toBe(s.text);
    }
    expect(await open('PI-1')).toBe(4000n);
  });

  it('applies no more than an invoice has open, however many ask at once', async () => {
    const sent = await Promise.all(
      Array.from({ length: 30 }, (_, i) => apply(RECEIPTS[i % 4] as string, 'PX-1', '10.00', `over-${i}`)),
    );
    const codes = sent.map((s) => (s.status === 200 ? '200' : `${s.status} ${s.body.code}`));
    expect(codes.filter((c) => c === '200')).toHaveLength(10);
    expect(codes.filter((c) => c === '409 receivables.over_application')).toHaveLength(20);
    expect(await open('PX-1')).toBe(0n);
    // A request that failed left no key: the same key runs again (and fails again, nothing open).
    const failed = sent.findIndex((s) => s.status === 409);
    const keys = await h.database.db
      .selectFrom('idempotency_keys')
      .select('key')
      .where('key', 'like', 'over-%')
      .execute();
    expect(keys).toHaveLength(10);
    const again = await apply(RECEIPTS[failed % 4] as string, 'PX-1', '10.00', `over-${failed}`);
    expect([again.status, again.body.code, again.replayed]).toEqual([
      409,
      'receivables.over_application',
      false,
    ]);
  });

  it('answers a key sent twice at once once, and refuses it with another body', async () => {
    const sends: Promise<Sent>[] = [];
    for (let i = 0; i < 16; i++) sends.push(apply(RECEIPTS[i % 4] as string, 'PK-1', '1.00', `twice-${i}`));
    // The same requests again while the first sends are waiting, and one key with another amount.
    for (let i = 0; i < 16; i++) sends.push(apply(RECEIPTS[i % 4] as string, 'PK-1', '1.00', `twice-${i}`));
    sends.push(apply(RECEIPTS[0] as string, 'PK-1', '2.00', 'twice-0'));
    const sent = await Promise.all(sends);
    for (let i = 0; i < 16; i++) {
      const [first, second] = [sent[i] as Sent, sent[16 + i] as Sent];
      expect([first.status, second.status]).toEqual([200, 200]);
      expect(second.text).toBe(first.text);
      expect(first.replayed || second.replayed).toBe(true);
    }
    const other = sent[32] as Sent;
    expect([other.status, other.body.code]).toEqual([409, 'api.idempotency_key_reused']);
    expect(await open('PK-1')).toBe(100_000n - 1600n);
    expect((await verifyAuditChain(h.ctx)).ok).toBe(true);
    expect((await checkLedger(h.ctx)).filter((r) => !r.ok)).toEqual([]);
  });
});
