/**
 * Writes small NACHA files with correct controls, for tests that need ACH credits and returns.
 * Layouts from the NACHA Operating Rules, Appendix Three (94-character records).
 */
export interface NachaEntryInput {
  transactionCode: string;
  /** Nine digits, check digit included. */
  routing: string;
  account: string;
  amountCents: number;
  name: string;
  trace: string;
  id?: string;
  /** Addenda 05 texts (payment-related information, up to 80 characters each). */
  addenda?: string[];
  /** A return: addenda 99 with the reason and the original entry's trace. */
  returnOf?: { code: string; originalTrace: string };
}

const pad = (s: string, n: number) => s.slice(0, n).padEnd(n, ' ');
const num = (v: number | bigint, n: number) => String(v).padStart(n, '0').slice(-n);

export function nachaFile(options: {
  companyName: string;
  companyId: string;
  sec: string;
  effective: string; // YYMMDD
  entries: NachaEntryInput[];
}): string {
  const lines: string[] = [];
  lines.push(
    `101 091000019${pad('1234567890', 10)}${options.effective}1200A094101${pad('DEST BANK', 23)}${pad('ORIGIN CO', 23)}${pad('', 8)}`,
  );
  const odfi = '09100001';
  lines.push(
    `5200${pad(options.companyName, 16)}${pad('', 20)}${pad(options.companyId, 10)}${pad(options.sec, 3)}${pad('PAYMENT', 10)}${pad('', 6)}${options.effective}   1${odfi}${num(1, 7)}`,
  );
  let count = 0;
  let hash = 0n;
  let debit = 0n;
  let credit = 0n;
  for (const e of options.entries) {
    const addenda = e.addenda ?? [];
    const hasAddenda = addenda.length > 0 || e.returnOf !== undefined;
    lines.push(
      `6${e.transactionCode}${e.routing.slice(0, 8)}${e.routing.slice(8, 9)}${pad(e.account, 17)}${num(e.amountCents, 10)}${pad(e.id ?? '', 15)}${pad(e.name, 22)}  ${hasAddenda ? '1' : '0'}${e.trace}`,
    );
    count++;
    hash += BigInt(e.routing.slice(0, 8));
    const second = Number(e.transactionCode[1]);
    if (second <= 4) credit += BigInt(e.amountCents);
    else debit += BigInt(e.amountCents);
    addenda.forEach((text, i) => {
      lines.push(`705${pad(text, 80)}${num(i + 1, 4)}${e.trace.slice(-7)}`);
      count++;
    });
    if (e.returnOf) {
      lines.push(
        `799${e.returnOf.code}${e.returnOf.originalTrace}${pad('', 6)}${e.routing.slice(0, 8)}${pad('', 44)}${e.trace}`,
      );
      count++;
    }
  }
  lines.push(
    `8200${num(count, 6)}${num(hash % 10_000_000_000n, 10)}${num(debit, 12)}${num(credit, 12)}${pad(options.companyId, 10)}${pad('', 19)}${pad('', 6)}${odfi}${num(1, 7)}`,
  );
  const records = lines.length + 1;
  const blocks = Math.ceil(records / 10);
  lines.push(
    `9${num(1, 6)}${num(blocks, 6)}${num(count, 8)}${num(hash % 10_000_000_000n, 10)}${num(debit, 12)}${num(credit, 12)}${pad('', 39)}`,
  );
  while (lines.length % 10 !== 0) lines.push('9'.repeat(94));
  for (const l of lines) if (l.length !== 94) throw new Error(`record of ${l.length} characters: ${l}`);
  return `${lines.join('\n')}\n`;
}
