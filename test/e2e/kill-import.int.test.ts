import { spawn } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/database.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const BIN = join(ROOT, 'bin', 'arbor.js');

/** Runs `arbor ARGS`; with `killAfterMs`, kills it that long after it says it is reading the file. */
function run(args: string[], env: Record<string, string>, killAfterMs?: number) {
  return new Promise<{ code: number | null; signal: string | null; out: string; err: string }>((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, ...env }, cwd: ROOT });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    let timer: NodeJS.Timeout | undefined;
    child.stderr.on('data', (d) => {
      err += d;
      if (killAfterMs !== undefined && timer === undefined && err.includes('import bank: reading'))
        timer = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
    });
    child.on('exit', (code, signal) => {
      if (timer) clearTimeout(timer);
      resolve({ code, signal, out, err });
    });
  });
}

/**
 * Acceptance (issue 4): killing the process during `arbor import bank` leaves nothing half-imported,
 * and the same import then succeeds. The kill lands while the transaction is open: the import
 * writes receipts chunk by chunk as it reads, so a file of many thousand transactions keeps it
 * busy for seconds. Runs on the embedded database, whose directory must survive the kill.
 */
describe('killing arbor import bank', () => {
  it('leaves nothing behind, and the import then succeeds', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'arbor-kill-'));
    const db = join(dir, 'db');
    const env = { ARBOR_DB: db, ARBOR_TODAY: '2026-11-30' };
    expect((await run(['init'], env)).code).toBe(0);
    const rows = ['date,amount,ref,payer'];
    for (let i = 0; i < 20_000; i++)
      rows.push(
        `2026-11-${String((i % 28) + 1).padStart(2, '0')},${(i % 9000) + 10}.25,K${i},Payer ${i % 500}`,
      );
    const file = join(dir, 'big.csv');
    await writeFile(file, `${rows.join('\n')}\n`);
    const mapping = join(dir, 'm.json');
    await writeFile(
      mapping,
      JSON.stringify({
        account: '999000111',
        currency: 'USD',
        columns: { booking_date: 'date', amount: 'amount', reference: 'ref', counterparty_name: 'payer' },
      }),
    );

    // Killed 1.5 s into its transaction: 20,000 transactions take several times that to book.
    const killed = await run(['import', 'bank', file, '--mapping', mapping], env, 1500);
    expect(killed.signal).toBe('SIGKILL');
    expect(killed.out).toBe('');

    const database = await openDatabase(db);
    try {
      const count = async (table: 'receipts' | 'bank_transactions' | 'imports' | 'journal_entries') =>
        Number(
          (
            await database.db
              .selectFrom(table)
              .select((e) => e.fn.countAll<bigint>().as('n'))
              .executeTakeFirstOrThrow()
          ).n,
        );
      expect({
        receipts: await count('receipts'),
        transactions: await count('bank_transactions'),
        imports: await count('imports'),
        entries: await count('journal_entries'),
      }).toEqual({ receipts: 0, transactions: 0, imports: 0, entries: 0 });
    } finally {
      await database.close();
    }

    const again = await run(['import', 'bank', file, '--mapping', mapping], env);
    expect(again.err).not.toMatch(/unexpected/);
    expect(again.code).toBe(0);
    expect(again.out).toMatch(/receipts: 20000/);
    const check = await run(['check'], env);
    expect(check.code).toBe(0);
  }, 600_000);
});
