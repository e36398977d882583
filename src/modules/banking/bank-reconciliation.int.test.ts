import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { csv, importCsv } from '../../../test/support/import-text.ts';
import { loadSmallPortfolio } from '../../../test/support/small-portfolio.ts';
import { createTestDatabase, type TestDatabase } from '../../../test/support/test-database.ts';
import type { CurrencyCode } from '../../core/currency.ts';
import type { LocalDate } from '../../core/local-date.ts';
import { parseBankCsvMapping } from '../bank-files/index.ts';
import { createReceivablesService } from '../receivables/index.ts';
import { buildBankReconciliation, type ReconciliationGroup } from './bank-reconciliation.ts';
import { importBankFile } from './import-bank-file.ts';

/*
 * One bank account (IBAN …3000, USD) with camt.053 statements, books from the small portfolio
 * (history receipts R-1 900.00 on 02-05, R-2 980.00 on 03-08, R-3 1,500.00 on 06-10) plus:
 *
 *   S1 06-03..06-12  opening 10,000.00  BK-1 +1,200.00, FEE-1 −15.00, BK-2 +2,000.00   closing 13,185.00
 *   S2 06-18..06-20  opening 13,185.00  RTN-1 −2,000.00 (returns BK-2), RTN-2 −450.00 (no receipt),
 *                                       FEE-1R +15.00 (reversal: not booked), PEND-1 +10.00 (pending),
 *                                       BK-3 +1,500.00                                 closing 12,250.00
 *   history H-6 1,500.00 on 06-19 and H-5 800.00 on 06-27 (not on any statement), a refund of 100.00
 *   paid from R-3 on 06-24 (not on any statement).
 */

const USD = 'USD' as CurrencyCode;
const IBAN = 'DE89370400440532013000';
let t: TestDatabase;
let dir: string;

interface Entry {
  amount: string;
  cd: 'CRDT' | 'DBIT';
  date: string;
  ref: string;
  reversal?: boolean;
  status?: string;
  returnReason?: string;
  name?: string;
}

/** A camt.053.001.08 statement of the account, with its booked opening and closing balances. */
function camt053(id: string, opening: string | null, closing: string | null, entries: Entry[]): string {
  const first = entries[0]?.date ?? '2026-06-01';
  const last = entries.at(-1)?.date ?? '2026-06-01';
  const bal = (code: string, amount: string, date: string) =>
    `<Bal><Tp><CdOrPrtry><Cd>${code}</Cd></CdOrPrtry></Tp><Amt Ccy="USD">${amount}</Amt><CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>${date}</Dt></Dt></Bal>`;
  const ntry = (e: Entry) =>
    `<Ntry><Amt Ccy="USD">${e.amount}</Amt><CdtDbtInd>${e.cd}</CdtDbtInd><RvslInd>${e.reversal ? 'true' : 'false'}</RvslInd>` +
    `<Sts><Cd>${e.status ?? 'BOOK'}</Cd></Sts><BookgDt><Dt>${e.date}</Dt></BookgDt><ValDt><Dt>${e.date}</Dt></ValDt>` +
    `<AcctSvcrRef>${e.ref}</AcctSvcrRef><NtryDtls><TxDtls><Refs><AcctSvcrRef>${e.ref}</AcctSvcrRef></Refs>` +
    `<RltdPties><Dbtr><Pty><Nm>${e.name ?? 'Acme Holdings'}</Nm></Pty></Dbtr></RltdPties>` +
    (e.returnReason ? `<RtrInf><Rsn><Cd>${e.returnReason}</Cd></Rsn></RtrInf>` : '') +
    '</TxDtls></NtryDtls></Ntry>';
  return `<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08"><BkToCstmrStmt>
<GrpHdr><MsgId>${id}</MsgId><CreDtTm>${last}T06:00:00Z</CreDtTm></GrpHdr>
<Stmt><Id>${id}</Id><CreDtTm>${last}T06:00:00Z</CreDtTm><Acct><Id><IBAN>${IBAN}</IBAN></Id><Ccy>USD</Ccy></Acct>
${opening === null ? '' : bal('OPBD', opening, first)}${closing === null ? '' : bal('CLBD', closing, last)}
${entries.map(ntry).join('\n')}
</Stmt></BkToCstmrStmt></Document>
`;
}

async function importStatement(name: string, xml: string) {
  const path = join(dir, name);
  await writeFile(path, xml);
  return importBankFile(t.ctx, path, { progress: false });
}

const reconcile = async (asOf: string, options: { bankAccount?: string; entity?: string } = {}) =>
  buildBankReconciliation(t.ctx, { asOf: asOf as LocalDate, ...options });

function only(groups: readonly ReconciliationGroup[]): ReconciliationGroup {
  expect(groups.map((g) => `${g.entity} ${g.currency}`)).toEqual(['MAIN USD']);
  return groups[0] as ReconciliationGroup;
}

/** The proof as category → [count, total], and its bottom lines. */
function figures(g: ReconciliationGroup) {
  return {
    book: g.proof.bookBalanceMinor,
    lines: Object.fromEntries(g.proof.lines.map((l) => [l.category, [l.count, l.totalMinor]])),
    reconciled: g.proof.reconciledMinor,
    bank: g.proof.bankBalanceMinor,
    difference: g.proof.differenceMinor,
    status: g.proof.status,
  };
}

const itemsOf = (g: ReconciliationGroup, category: string) =>
  g.items.filter((i) => i.category === category).map((i) => [i.date, i.reference, i.amountMinor]);

beforeAll(async () => {
  t = await createTestDatabase();
  dir = await mkdtemp(join(tmpdir(), 'arbor-recon-'));
  await loadSmallPortfolio(t.ctx);
  const s1 = await importStatement(
    's1.xml',
    camt053('S1', '10000.00', '13185.00', [
      { amount: '1200.00', cd: 'CRDT', date: '2026-06-03', ref: 'BK-1' },
      { amount: '15.00', cd: 'DBIT', date: '2026-06-05', ref: 'FEE-1', name: 'First Bank' },
      { amount: '2000.00', cd: 'CRDT', date: '2026-06-12', ref: 'BK-2' },
    ]),
  );
  expect(s1).toMatchObject({ format: 'camt.053', receipts: { count: 2 }, other: 1 });
  const s2 = await importStatement(
    's2.xml',
    camt053('S2', '13185.00', '12250.00', [
      { amount: '2000.00', cd: 'DBIT', date: '2026-06-18', ref: 'RTN-1', returnReason: 'AC04' },
      {
        amount: '450.00',
        cd: 'DBIT',
        date: '2026-06-19',
        ref: 'RTN-2',
        returnReason: 'AC04',
        name: 'Nobody',
      },
      { amount: '15.00', cd: 'CRDT', date: '2026-06-19', ref: 'FEE-1R', reversal: true, name: 'First Bank' },
      { amount: '10.00', cd: 'CRDT', date: '2026-06-20', ref: 'PEND-1', status: 'PDNG' },
      { amount: '1500.00', cd: 'CRDT', date: '2026-06-20', ref: 'BK-3' },
    ]),
  );
  expect(s2).toMatchObject({ receipts: { count: 1 }, returns: { matched: 1, unmatched: 1 } });
  await importCsv(
    t.ctx,
    'history',
    csv([
      'receipt_reference,receipt_date,receipt_amount,currency,payer_name,method,account_number,kind,applied_amount',
      'H-6,2026-06-19,1500.00,USD,Acme,check,C1,on_account,1500.00',
      'H-5,2026-06-27,800.00,USD,Acme,check,C1,on_account,800.00',
    ]),
  );
  const r3 = await t.database.db
    .selectFrom('receipts')
    .select(['id', 'entity_id', 'customer_id'])
    .where('reference', '=', 'R-3')
    .executeTakeFirstOrThrow();
  await createReceivablesService(t.ctx).applyBatches(t.database.db, [
    {
      entityId: r3.entity_id,
      currency: USD,
      appliedDate: '2026-06-24' as LocalDate,
      receiptId: r3.id,
      status: 'manual',
      rows: [{ kind: 'refund', amountMinor: 10000n, itemId: null, customerId: r3.customer_id }],
    },
  ]);
});
afterAll(async () => {
  await t?.close();
});

describe('bank reconciliation', () => {
  it('proves book to bank at the month end: every figure, every item, the statement it rests on', async () => {
    const g = only((await reconcile('2026-06-30')).groups);
    // Book: history 900 + 980 + 1,500 + 1,500 + 800, bank receipts 1,200 + 2,000 + 1,500, the return
    // −2,000 and the refund −100.
    expect(g.cashAccount).toBe('1000');
    expect(g.cashBalanceMinor).toBe(828000n);
    expect(g.otherAccountsMinor).toBe(0n);
    expect(figures(g)).toEqual({
      book: 828000n,
      lines: {
        opening_balance: [1, 1000000n],
        bank_credit_not_booked: [1, 1500n],
        bank_debit_not_booked: [1, -1500n],
        return_not_booked: [1, -45000n],
        book_before_statements: [2, 188000n],
        deposit_in_transit: [3, 380000n],
        return_not_on_bank: [0, 0n],
        other_book_posting: [1, -10000n],
      },
      // 8,280 + 10,000 + 15 − 15 − 450 − 1,880 − 3,800 + 100
      reconciled: 1225000n,
      bank: 1225000n,
      difference: 0n,
      status: 'reconciled',
    });
    expect(g.explanation).toMatch(/^no unexplained difference/);
    // The bank balance is S2's closing balance, and the report says so.
    expect(g.accounts).toHaveLength(1);
    const chain = g.accounts[0]?.chain;
    expect(chain?.balanceBasis).toBe('closing');
    expect(chain?.statements.map((s) => [s.firstDate, s.lastDate, s.openingMinor, s.closingMinor])).toEqual([
      ['2026-06-03', '2026-06-12', 1000000n, 1318500n],
      ['2026-06-18', '2026-06-20', 1318500n, 1225000n],
    ]);
    expect(g.notes[0]).toBe(
      `${IBAN}: 12250.00, the closing balance of statement ${chain?.last?.id} (camt.053, transactions 2026-06-18 to 2026-06-20)`,
    );
    expect(g.notes).toContain(
      '1 pending or information-only bank entr(ies) left out: not booked by the bank',
    );
    expect([g.statementsFrom, g.statementsTo]).toEqual(['2026-06-03', '2026-06-20']);
    // Matched: BK-1, BK-2, BK-3 with their receipts, RTN-1 with BK-2's return.
    expect(g.matched).toEqual({ count: 4, amountMinor: 120000n + 200000n + 150000n - 200000n });

    expect(itemsOf(g, 'bank_credit_not_booked')).toEqual([['2026-06-19', 'FEE-1R', 1500n]]);
    expect(itemsOf(g, 'bank_debit_not_booked')).toEqual([['2026-06-05', 'FEE-1', -1500n]]);
    expect(itemsOf(g, 'return_not_booked')).toEqual([['2026-06-19', 'RTN-2', -45000n]]);
    expect(itemsOf(g, 'deposit_in_transit')).toEqual([
      ['2026-06-10', 'R-3', 150000n],
      ['2026-06-19', 'H-6', 150000n],
      ['2026-06-27', 'H-5', 80000n],
    ]);
    expect(itemsOf(g, 'other_book_posting')).toEqual([['2026-06-24', 'R-3', -10000n]]);
    const before = g.items.find((i) => i.category === 'book_before_statements');
    expect(before?.description).toBe(
      '2 cash posting(s) from 2026-02-05 to 2026-03-08, before the first statement transaction on 2026-06-03',
    );
    const returned = g.items.find((i) => i.reference === 'RTN-2');
    expect(returned?.bankAccount).toBe(IBAN);
    expect(returned?.note).toMatch(/no receipt found/);
    expect(g.items.find((i) => i.reference === 'H-5')?.ageDays).toBe(3);

    // H-6 (06-19) has the same amount as BK-3 (06-20), already booked as its own receipt: possibly the
    // same money twice. R-3 (06-10) is 10 days from it: outside the window, so no proposal.
    expect(g.proposals.map((p) => [p.book.reference, p.bank.reference, p.kind, p.daysApart])).toEqual([
      ['H-6', 'BK-3', 'booked_twice', 1],
    ]);
    expect(g.items.find((i) => i.reference === 'H-6')?.note).toBe(
      'possibly booked twice: bank credit BK-3 of 2026-06-20 is already booked as receipt BK-3',
    );
    expect(g.items.find((i) => i.reference === 'R-3')?.note).toBeNull();
  });

  it('as of a date within the month uses the statement that ended by then', async () => {
    const g = only((await reconcile('2026-06-16')).groups);
    // Book: 900 + 980 + 1,500 (R-3) + 1,200 + 2,000. Bank: S1's closing.
    expect(figures(g)).toEqual({
      book: 658000n,
      lines: {
        opening_balance: [1, 1000000n],
        bank_credit_not_booked: [0, 0n],
        bank_debit_not_booked: [1, -1500n],
        return_not_booked: [0, 0n],
        book_before_statements: [2, 188000n],
        deposit_in_transit: [1, 150000n],
        return_not_on_bank: [0, 0n],
        other_book_posting: [0, 0n],
      },
      reconciled: 1318500n,
      bank: 1318500n,
      difference: 0n,
      status: 'reconciled',
    });
    expect(g.accounts[0]?.chain.later).toBe(1);
    expect(g.statementsTo).toBe('2026-06-12');
  });

  it('with a wider window proposes more, and each proposal names both sides', async () => {
    const g = only(
      (await buildBankReconciliation(t.ctx, { asOf: '2026-06-30' as LocalDate, windowDays: 10 })).groups,
    );
    // FIFO on 1,500.00: R-3 (06-10) takes BK-3 (06-20, 10 days), leaving H-6 without a candidate.
    expect(g.proposals.map((p) => [p.book.reference, p.bank.reference, p.kind, p.daysApart])).toEqual([
      ['R-3', 'BK-3', 'booked_twice', 10],
    ]);
    expect(g.proof.differenceMinor).toBe(0n);
  });

  it('a statement that does not follow on leaves an unexplained difference, and says where', async () => {
    // S3 opens at 12,000.00, not S2's 12,250.00: a statement is missing. BK-5 (06-29) is booked by
    // now, but its statement ends in July; BK-6 is H-5's money arriving, booked a second time.
    await importStatement(
      's3.xml',
      camt053('S3', '12000.00', '13100.00', [
        { amount: '300.00', cd: 'CRDT', date: '2026-06-29', ref: 'BK-5' },
        { amount: '800.00', cd: 'CRDT', date: '2026-07-02', ref: 'BK-6' },
      ]),
    );
    const june = only((await reconcile('2026-06-30')).groups);
    expect(figures(june)).toMatchObject({
      book: 858000n,
      reconciled: 1225000n,
      bank: 1225000n,
      difference: 0n,
      status: 'reconciled',
    });
    expect(itemsOf(june, 'deposit_in_transit').at(-1)).toEqual(['2026-06-29', 'BK-5', 30000n]);
    expect(june.items.find((i) => i.reference === 'BK-5')?.note).toBe(
      'on the bank 2026-06-29, on a statement after 2026-06-20',
    );

    const july = only((await reconcile('2026-07-31')).groups);
    expect(figures(july)).toEqual({
      book: 938000n,
      lines: {
        opening_balance: [1, 1000000n],
        bank_credit_not_booked: [1, 1500n],
        bank_debit_not_booked: [1, -1500n],
        return_not_booked: [1, -45000n],
        book_before_statements: [2, 188000n],
        deposit_in_transit: [3, 380000n],
        return_not_on_bank: [0, 0n],
        other_book_posting: [1, -10000n],
      },
      // 9,380 + 10,000 + 15 − 15 − 450 − 1,880 − 3,800 + 100 = 13,350; the bank says 13,100.
      reconciled: 1335000n,
      bank: 1310000n,
      difference: -25000n,
      status: 'unexplained_difference',
    });
    expect(july.accounts[0]?.chain.breaks.map((b) => [b.kind, b.expectedMinor, b.statedMinor])).toEqual([
      ['opening', 1225000n, 1200000n],
    ]);
    expect(july.explanation).toBe(
      'unexplained difference -250.00: the statements on file do not follow on from each other (see the notes); import the missing statements',
    );
    expect(
      july.notes.some((n) =>
        /opens at 12000\.00, but the balance before it was 12250\.00 \(difference -250\.00\)/.test(n),
      ),
    ).toBe(true);
    expect(july.proposals.map((p) => [p.book.reference, p.bank.reference, p.kind, p.daysApart])).toEqual([
      ['H-6', 'BK-3', 'booked_twice', 1],
      ['H-5', 'BK-6', 'booked_twice', 5],
    ]);
  });

  it('a second account without balances makes the bank balance unknown; one account reconciles on its own', async () => {
    const mapping = parseBankCsvMapping(
      JSON.stringify({
        account: '000123456789',
        currency: 'USD',
        columns: { booking_date: 'date', amount: 'amount', reference: 'ref', counterparty_name: 'payer' },
      }),
      'recon.mapping.json',
    );
    const path = join(dir, 'second.csv');
    await writeFile(path, 'date,amount,ref,payer\n2026-06-25,250.00,CSV-1,Beta Co\n');
    await importBankFile(t.ctx, path, { mapping, progress: false });

    const both = only((await reconcile('2026-06-30')).groups);
    expect(both.accounts.map((a) => a.account)).toEqual(['000123456789', IBAN]);
    expect(both.bankBalanceMinor).toBeNull();
    expect(both.proof).toMatchObject({
      reconciledMinor: null,
      differenceMinor: null,
      status: 'bank_balance_unknown',
    });
    expect(both.notes).toContain(
      `000123456789: the statements on file (last ${both.accounts[0]?.chain.last?.id}, csv, to 2026-06-25) carry no opening or closing balance; the bank balance is unknown`,
    );

    const one = only((await reconcile('2026-06-30', { bankAccount: 'de89 3704 0044 0532 0130 00' })).groups);
    expect(one.accounts.map((a) => a.account)).toEqual([IBAN]);
    // The CSV-1 receipt belongs to the other account: left out of this account's book balance.
    expect([one.cashBalanceMinor, one.otherAccountsMinor, one.bookBalanceMinor]).toEqual([
      883000n,
      25000n,
      858000n,
    ]);
    expect(figures(one)).toMatchObject({
      reconciled: 1225000n,
      bank: 1225000n,
      difference: 0n,
      status: 'reconciled',
    });
    expect(one.items.some((i) => i.reference === 'CSV-1')).toBe(false);
  });

  it('refuses an unknown entity or bank account, and changes nothing', async () => {
    const audit = async () =>
      (
        await t.database.db
          .selectFrom('audit_log')
          .select((e) => e.fn.countAll<bigint>().as('n'))
          .executeTakeFirstOrThrow()
      ).n;
    const before = await audit();
    await expect(reconcile('2026-06-30', { entity: 'NOPE' })).rejects.toMatchObject({ kind: 'not_found' });
    await expect(reconcile('2026-06-30', { bankAccount: '999' })).rejects.toMatchObject({
      code: 'banking.unknown_bank_account',
    });
    expect(only((await reconcile('2026-06-30', { entity: 'MAIN' })).groups).entity).toBe('MAIN');
    expect(await audit()).toBe(before);
  });
});
