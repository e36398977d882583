import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '../../src/db/database.ts';
import { type LoadBaseline, type ReceiptRef, takeBaseline } from './apply-load.ts';
import {
  arborOk,
  createUserAndToken,
  dropDatabase,
  recreateDatabase,
  serverAnswers,
  withDatabaseName,
} from './serve-process.ts';

/**
 * The small portfolio of the API load tests, on either engine: three receipts of 400.00 with money
 * unapplied (each applied 0.01 to a side invoice H-1 in its history, so the importer books it), and
 * five invoices to apply them to — four of 300.00 and one of 20.00, so that both a receipt's money
 * and an invoice's open amount run out under load. Loaded with the real `arbor` command.
 */

export const RECEIPT_REFERENCES = ['LR-1', 'LR-2', 'LR-3'];
export const TARGET_INVOICES = ['LT-1', 'LT-2', 'LT-3', 'LT-4', 'LT-5'];
export const ENV = { ARBOR_TODAY: '2026-06-30', ARBOR_USER: 'load-test' };

export interface ApplyScenario {
  readonly engine: 'postgres' | 'pglite';
  /** What `arbor --db` takes: a PostgreSQL URL or a PGlite data directory. */
  readonly target: string;
  readonly token: string;
  readonly receipts: readonly ReceiptRef[];
  readonly invoices: readonly string[];
  readonly baseline: LoadBaseline;
  dispose(): Promise<void>;
}

/** The PostgreSQL server for these tests: ARBOR_TEST_DATABASE_URL, else the local default; null when none answers. */
export async function findPgServer(): Promise<{ url: string | null; tried: string }> {
  const tried = process.env.ARBOR_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  return { url: (await serverAnswers(tried)) ? tried : null, tried };
}

export async function prepareApplyScenario(
  engine: 'postgres' | 'pglite',
  pgUrl: string | null,
): Promise<ApplyScenario> {
  const dir = await mkdtemp(join(tmpdir(), 'arbor-api-load-'));
  let target: string;
  let dropName: string | null = null;
  if (engine === 'postgres') {
    if (!pgUrl) throw new Error('no PostgreSQL server');
    dropName = `arbor_t_api_${randomBytes(5).toString('hex')}`;
    target = await recreateDatabase(withDatabaseName(pgUrl, 'postgres'), dropName);
  } else {
    target = join(dir, 'db');
  }
  const files = {
    customers: join(dir, 'customers.csv'),
    invoices: join(dir, 'invoices.csv'),
    history: join(dir, 'history.csv'),
  };
  await writeFile(
    files.customers,
    'account_number,name,terms\nLC1,Load Customer One,NET30\nLC2,Load Customer Two,NET30\nLC3,Load Customer Three,NET30\n',
  );
  await writeFile(
    files.invoices,
    [
      'invoice_number,account_number,issue_date,amount',
      'LT-1,LC1,2026-05-01,300.00',
      'LT-2,LC1,2026-05-02,300.00',
      'LT-3,LC2,2026-05-03,300.00',
      'LT-4,LC3,2026-05-04,300.00',
      'LT-5,LC3,2026-05-05,20.00',
      'H-1,LC1,2026-05-06,10.00',
      '',
    ].join('\n'),
  );
  await writeFile(
    files.history,
    [
      'receipt_reference,receipt_date,receipt_amount,currency,payer_name,method,account_number,invoice_number,kind,applied_amount',
      ...RECEIPT_REFERENCES.map(
        (r, i) => `${r},2026-06-${10 + i},400.00,USD,Load Payer ${i},ach,LC1,H-1,invoice,0.01`,
      ),
      '',
    ].join('\n'),
  );
  await arborOk(target, ['init'], ENV);
  for (const kind of ['customers', 'invoices', 'history'] as const)
    await arborOk(target, ['import', kind, files[kind]], ENV);
  const token = await createUserAndToken(target, 'load-applier', 'cash_applier', ENV);
  const database = await openDatabase(target);
  let receipts: ReceiptRef[];
  let baseline: LoadBaseline;
  try {
    receipts = (
      await database.db
        .selectFrom('receipts')
        .select(['id', 'reference'])
        .where('reference', 'in', RECEIPT_REFERENCES)
        .orderBy('reference')
        .execute()
    ).map((r) => ({ id: r.id, reference: r.reference }));
    baseline = await takeBaseline(database);
  } finally {
    await database.close();
  }
  if (receipts.length !== RECEIPT_REFERENCES.length)
    throw new Error(`receipts not loaded: ${JSON.stringify(receipts)}`);
  return {
    engine,
    target,
    token,
    receipts,
    invoices: TARGET_INVOICES,
    baseline,
    async dispose() {
      if (dropName && pgUrl) await dropDatabase(withDatabaseName(pgUrl, 'postgres'), dropName);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Amounts of the load: mostly small (log-uniform 0.01–1.00, so the money lasts a while under
 * contention), and one in fifty large (100.00–399.99), which succeed early and then run into the
 * limits — the requests that must be refused rather than over-apply.
 */
export function loadAmountMinor(r: number): bigint {
  if (r < 0.02) return 10_000n + BigInt(Math.floor((r / 0.02) * 30_000));
  const u = (r - 0.02) / 0.98;
  return BigInt(Math.max(1, Math.floor(10 ** (u * 2))));
}
