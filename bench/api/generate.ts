/**
 * Data for the API benchmark, deterministic: customers, open invoices, and history receipts that
 * each applied 1.00 to an invoice and left the rest unapplied — money for the POST workload to
 * apply, loaded through the real importers (`arbor import customers|invoices|history`).
 */
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { addDays, type LocalDate } from '../../src/core/local-date.ts';
import { prng } from '../../test/support/http-load.ts';

export interface ApiBenchData {
  readonly customers: number;
  readonly invoices: number;
  readonly receipts: number;
  /** Minor units of each receipt (all USD). */
  readonly receiptMinor: bigint;
  readonly today: LocalDate;
}

export const accountNumber = (i: number) => `A${String(i).padStart(7, '0')}`;
export const invoiceNumber = (i: number) => `AI${String(i).padStart(9, '0')}`;
export const receiptReference = (i: number) => `AR-${String(i).padStart(7, '0')}`;

async function writeLines(path: string, lines: Iterable<string>): Promise<void> {
  const out = createWriteStream(path);
  let buffer = '';
  for (const line of lines) {
    buffer += line;
    if (buffer.length > 1 << 20) {
      if (!out.write(buffer)) await once(out, 'drain');
      buffer = '';
    }
  }
  out.write(buffer);
  out.end();
  await once(out, 'finish');
}

const money = (minor: bigint) => `${minor / 100n}.${String(minor % 100n).padStart(2, '0')}`;

/** Invoice i belongs to customer i mod customers; receipt j paid 1.00 of invoice j (of its customer). */
export async function writeApiBenchData(
  dir: string,
  o: ApiBenchData,
): Promise<{ customers: string; invoices: string; history: string }> {
  if (o.receipts > o.invoices) throw new Error('need at least as many invoices as receipts');
  const random = prng(11);
  const files = {
    customers: join(dir, `customers-${o.customers}.csv`),
    invoices: join(dir, `invoices-${o.invoices}-${o.customers}.csv`),
    history: join(dir, `history-${o.receipts}.csv`),
  };
  const terms = ['NET30', 'NET30', 'NET45', 'NET15', '2/10NET30'];
  await writeLines(
    files.customers,
    (function* () {
      yield 'account_number,name,terms,segment,collector\n';
      for (let i = 0; i < o.customers; i++)
        yield `${accountNumber(i)},API Customer ${i},${terms[i % terms.length]},${['large', 'mid', 'small'][i % 3]},c${i % 25}\n`;
    })(),
  );
  // Issued at least a week before the receipts, over 18 months.
  const start = addDays(o.today, -547);
  await writeLines(
    files.invoices,
    (function* () {
      yield 'invoice_number,account_number,issue_date,amount,po_number\n';
      for (let i = 0; i < o.invoices; i++) {
        const issue = addDays(start, Math.floor(random() * 540));
        const cents = 10_000n + BigInt(Math.floor(random() * 5_000_000));
        yield `${invoiceNumber(i)},${accountNumber(i % o.customers)},${issue},${money(cents)},PO-${i % 9973}\n`;
      }
    })(),
  );
  const receiptDate = addDays(o.today, -1);
  await writeLines(
    files.history,
    (function* () {
      yield 'receipt_reference,receipt_date,receipt_amount,currency,payer_name,method,account_number,invoice_number,kind,applied_amount,reason_code\n';
      for (let j = 0; j < o.receipts; j++)
        yield `${receiptReference(j)},${receiptDate},${money(o.receiptMinor)},USD,API Payer ${j},ach,${accountNumber(j % o.customers)},${invoiceNumber(j)},invoice,1.00,\n`;
    })(),
  );
  return files;
}
