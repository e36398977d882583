/**
 * Synthetic benchmark data: a customers file and an invoices file of any size, deterministic. Every
 * invoice is open (the aging benchmark's "1M open items"); issue dates spread over 18 months before
 * `today`, so an aging as of six months back has history to rebuild.
 */

import { once } from 'node:events';
import { createWriteStream, existsSync } from 'node:fs';
import { addDays, type LocalDate } from '../src/core/local-date.ts';

export interface BenchDataOptions {
  readonly customers: number;
  readonly invoices: number;
  readonly today: LocalDate;
  readonly seed?: number;
}

function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

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

export async function writeBenchData(
  dir: string,
  o: BenchDataOptions,
  /** Keep files written earlier (the names carry the sizes, the seed is fixed unless given). */
  reuse = false,
): Promise<{ customers: string; invoices: string }> {
  const random = prng(o.seed ?? 7);
  const customersPath = `${dir}/customers-${o.customers}.csv`;
  const invoicesPath = `${dir}/invoices-${o.invoices}.csv`;
  if (reuse && o.seed === undefined && existsSync(customersPath) && existsSync(invoicesPath)) {
    return { customers: customersPath, invoices: invoicesPath };
  }
  const terms = ['NET30', 'NET30', 'NET30', 'NET45', 'NET15', '2/10NET30', 'NET30EOM'];
  await writeLines(
    customersPath,
    (function* () {
      yield 'account_number,name,terms,segment,collector\n';
      for (let i = 0; i < o.customers; i++) {
        yield `B${String(i).padStart(7, '0')},Benchmark Customer ${i},${terms[i % terms.length]},${['large', 'mid', 'small'][i % 3]},c${i % 25}\n`;
      }
    })(),
  );
  const start = addDays(o.today, -540);
  await writeLines(
    invoicesPath,
    (function* () {
      yield 'invoice_number,account_number,issue_date,amount,po_number\n';
      for (let i = 0; i < o.invoices; i++) {
        const customer = Math.floor(random() * o.customers);
        const issue = addDays(start, Math.floor(random() * 540));
        const cents = 1000 + Math.floor(random() * 5_000_000);
        yield `BI${String(i).padStart(9, '0')},B${String(customer).padStart(7, '0')},${issue},${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')},PO-${i % 9973}\n`;
      }
    })(),
  );
  return { customers: customersPath, invoices: invoicesPath };
}
