import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import type { Executor, ServiceContext } from '../../core/context.ts';
import { type CurrencyCode, isCurrencyCode } from '../../core/currency.ts';
import type { AppError, InputIssue } from '../../core/errors.ts';
import { newId } from '../../core/ids.ts';
import { isLocalDate } from '../../core/local-date.ts';
import { formatAmount, parseAmount } from '../../core/money.ts';
import { withDbErrors } from '../../db/db-errors.ts';
import { recordAudit } from '../audit/index.ts';
import type {
  ParserFactory,
  ParseSink,
  ParseWarning,
  Remittance,
  RemittanceLine,
} from '../bank-files/index.ts';
import { IssueCollector } from '../imports/index.ts';
import { detectFormat, parseBankFile } from '../parsing/index.ts';
import { bindHeader, openTableFile, type TableRow, type TableSource } from '../tabular/index.ts';
import { linkAdvices } from './link-advices.ts';
import type { LinkWindow } from './logic/score-advice-link.ts';
import { nameTokens } from './logic/score-advice-link.ts';
import { type AdviceInput, recordAdvices } from './record-advices.ts';
import { remittancesError } from './remittances.errors.ts';
import {
  findAdvicesByAdviceIds,
  findImportByHash,
  IMPORT_KIND,
  insertImport,
  updateImportSummary,
} from './remittances.repo.ts';

/** INTERCHANGE.md §2.5: one row per remitted line; rows with the same `remittance_id` form one advice. */
export const REMITTANCE_SPEC = {
  required: ['remittance_id', 'payer_name', 'payment_amount', 'currency', 'invoice_number', 'paid_amount'],
  optional: ['payment_reference', 'payment_date', 'discount_amount', 'deduction_amount', 'deduction_reason'],
} as const;

export interface ImportRemittanceOptions {
  /** The date window for linking advices to receipts (default: the tenant's, else 7 before / 10 after). */
  readonly window?: LinkWindow;
  /**
   * Reads X12 files with this parser instead of through the parsing module's `parseBankFile` (tests
   * pass the edi module's 820 parser; the command line uses the default).
   */
  readonly x12Parser?: ParserFactory;
}

export interface ImportRemittanceResult {
  readonly importId: string;
  readonly file: string;
  readonly format: 'x12-820' | 'csv' | 'xlsx';
  readonly advices: number;
  readonly lines: number;
  /** Advices linked to their receipt (money already in). */
  readonly linked: number;
  /** Advices waiting for their money (or for an analyst, when several receipts fit). */
  readonly unlinked: number;
  /** What the file says against its own totals (an 820's BPR02 against its RMR04s, a CSV's payment_amount against its paid_amounts). */
  readonly warnings: readonly ParseWarning[];
}

/**
 * `arbor import remittance FILE`: keeps payers' remittance advices, X12 820 or the CSV/XLSX of
 * INTERCHANGE.md §2.5 (format from content: X12 when the file starts with an ISA, GS or ST segment),
 * and links each to the receipt it explains when the money is already in. All or nothing, in one
 * transaction: every bad row is reported with its line and column, and a file with any is refused
 * (exit 2). The same file twice (content hash), or an advice already imported from another file (same
 * payer's advice id), is refused (exit 4). A payment amount that differs from the sum of the lines is
 * a warning, not an error: the advice is the payer's statement and is kept as stated.
 */
export async function importRemittanceFile(
  ctx: ServiceContext,
  path: string,
  options: ImportRemittanceOptions = {},
): Promise<ImportRemittanceResult> {
  const file = path;
  const kind = await sniffKind(path);
  let source: TableSource | null = null;
  let columns: ReturnType<typeof bindColumns> | null = null;
  if (kind === 'table') {
    source = await openTableFile(path);
    columns = bindColumns(source);
  }
  try {
    const hash = await hashFile(path);
    const prior = await findImportByHash(ctx.database.db, ctx.tenantId, hash);
    if (prior) throw duplicateFile(file, prior);

    const importId = newId('import');
    return await ctx.database.db.transaction().execute((tx) =>
      withDbErrors(async () => {
        try {
          await insertImport(tx, ctx.tenantId, { id: importId, fileName: file, hash, actor: ctx.actor });
        } catch (e) {
          const again = await findImportByHash(ctx.database.db, ctx.tenantId, hash);
          if (again) throw duplicateFile(file, again);
          throw e;
        }
        const read =
          source !== null && columns !== null
            ? await readTable(source, columns)
            : await readX12(path, file, options.x12Parser);
        await refuseKnownAdvices(tx, ctx.tenantId, file, read.advices);
        const recorded = await recordAdvices(tx, ctx, {
          importId,
          format: read.format === 'x12-820' ? 'x12-820' : 'csv',
          advices: read.advices,
          file,
        });
        const linked = await linkAdvices(tx, ctx, {
          adviceIds: recorded.advices.map((a) => a.id),
          ...(options.window ? { window: options.window } : {}),
        });
        const result: ImportRemittanceResult = {
          importId,
          file,
          format: read.format,
          advices: recorded.advices.length,
          lines: recorded.lines,
          linked: recorded.linked + linked.links.length,
          unlinked: recorded.advices.length - recorded.linked - linked.links.length,
          warnings: read.warnings,
        };
        const summary = {
          format: result.format,
          advices: result.advices,
          lines: result.lines,
          linked: result.linked,
          unlinked: result.unlinked,
          warnings: result.warnings.length,
        };
        await updateImportSummary(tx, ctx.tenantId, importId, read.rows, summary);
        await recordAudit(tx, ctx.tenantId, [
          {
            actor: ctx.actor,
            action: `import.${IMPORT_KIND}`,
            objectType: 'import',
            objectId: importId,
            after: { file, content_hash: hash, rows: read.rows, summary },
          },
        ]);
        return result;
      }),
    );
  } finally {
    await source?.close();
  }
}

interface ReadAdvices {
  format: 'x12-820' | 'csv' | 'xlsx';
  advices: AdviceInput[];
  warnings: ParseWarning[];
  /** Rows (table files) or advices (X12) read, for the imports record. */
  rows: number;
}

/** X12 when the content starts with an X12 segment; anything else must be a CSV or XLSX file. */
async function sniffKind(path: string): Promise<'x12' | 'table'> {
  let head: string;
  try {
    const info = await stat(path);
    if (!info.isFile()) throw Object.assign(new Error('not a file'), { code: 'EISDIR' });
    const handle = await open(path, 'r');
    try {
      const buffer = Buffer.alloc(4096);
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
      head = buffer.subarray(0, bytesRead).toString('latin1');
    } finally {
      await handle.close();
    }
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw remittancesError(
      'remittances.file_not_found',
      `${path}: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'not a file' : (e as Error).message}`,
    );
  }
  if (head.replace(/^\uFEFF|^\u00EF\u00BB\u00BF/, '').trim() === '')
    throw remittancesError('remittances.empty_file', `${path}: the file is empty`);
  if (detectFormat(head.replace(/^\u00EF\u00BB\u00BF/, '')) === 'x12') return 'x12';
  if (!/\.(csv|xlsx)$/i.test(path)) {
    throw remittancesError(
      'remittances.unsupported_file',
      `${path}: not a remittance file Arbor reads: an X12 820 starts with an ISA (or ST) segment, and a remittance table is a .csv or .xlsx file (INTERCHANGE.md §2.5)`,
    );
  }
  return 'table';
}

async function hashFile(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

function duplicateFile(file: string, prior: { id: string; file_name: string; created_at: Date }): AppError {
  return remittancesError(
    'remittances.duplicate_file',
    `${file}: this remittance file was already imported (${prior.id}, from ${prior.file_name}, on ${new Date(prior.created_at).toISOString()}); nothing was changed`,
    { details: { import_id: prior.id } },
  );
}

function bindColumns(source: TableSource) {
  const bound = bindHeader(source, REMITTANCE_SPEC);
  if (!bound.ok) {
    throw remittancesError(
      'remittances.invalid_header',
      `${source.file}: the header does not match the remittance format (INTERCHANGE.md §2.5)`,
      { issues: bound.issues },
    );
  }
  return bound.columns;
}

type Column = (typeof REMITTANCE_SPEC.required)[number] | (typeof REMITTANCE_SPEC.optional)[number];

/** What the rows of one advice must agree on, as its first row gave it. */
interface OpenAdvice {
  line: number;
  id: string;
  payer: string;
  reference: string;
  date: string;
  amountText: string;
  amountMinor: bigint | null;
  currency: CurrencyCode | null;
  currencyText: string;
  lines: RemittanceLine[];
  paidMinor: bigint;
}

/**
 * Reads the rows of a §2.5 table into advices, checking every row and reporting each problem with its
 * line and column (all of them, not only the first).
 */
async function readTable(source: TableSource, columns: ReturnType<typeof bindColumns>): Promise<ReadAdvices> {
  const issues = new IssueCollector(source.file);
  const groups = new Map<string, OpenAdvice>();
  let rows = 0;
  for await (const r of source.rows()) {
    rows++;
    if ('error' in r) {
      issues.add(r.line, undefined, r.error);
      continue;
    }
    readRow(r, (c) => columns.get(r.fields, c), groups, issues);
  }
  if (rows === 0)
    throw remittancesError('remittances.empty_file', `${source.file}: no rows after the header`);
  if (issues.count > 0) {
    throw remittancesError(
      'remittances.invalid_rows',
      `${source.file}: ${issues.badRowCount || issues.count} bad row(s); nothing was imported`,
      { issues: issues.list() },
    );
  }
  const warnings: ParseWarning[] = [];
  const advices: AdviceInput[] = [];
  for (const g of groups.values()) {
    const currency = g.currency as CurrencyCode;
    if (g.amountMinor !== null && g.amountMinor !== g.paidMinor) {
      warnings.push({
        line: g.line,
        message: `remittance ${g.id}: payment_amount ${formatAmount(g.amountMinor, currency)} differs from the sum of its paid_amounts ${formatAmount(g.paidMinor, currency)}`,
      });
    }
    advices.push({
      id: g.id,
      payer: g.payer,
      payment_reference: g.reference || null,
      payment_date: g.date || null,
      payment_amount: g.amountMinor === null ? null : formatAmount(g.amountMinor, currency),
      currency,
      lines: g.lines,
      line: g.line,
    });
  }
  return { format: source.format === 'xlsx' ? 'xlsx' : 'csv', advices, warnings, rows };
}

function readRow(
  row: TableRow,
  get: (c: Column) => string,
  groups: Map<string, OpenAdvice>,
  issues: IssueCollector,
): void {
  const { line } = row;
  const bad = (column: Column, message: string) => issues.add(line, column, message);
  const required = (column: Column): string => {
    const v = get(column);
    if (v === '') bad(column, 'is required');
    return v;
  };
  const id = required('remittance_id');
  const payer = required('payer_name');
  const currencyText = required('currency');
  const amountText = required('payment_amount');
  const invoice = required('invoice_number');
  const paidText = required('paid_amount');
  const reference = get('payment_reference');
  const date = get('payment_date');
  const discountText = get('discount_amount');
  const deductionText = get('deduction_amount');
  const reason = get('deduction_reason');

  const code = currencyText.toUpperCase();
  const currency = currencyText !== '' && isCurrencyCode(code) ? code : null;
  if (currencyText !== '' && currency === null)
    bad('currency', `unknown currency code "${currencyText}" (ISO 4217)`);
  if (date !== '' && !isLocalDate(date)) bad('payment_date', `not a valid date (YYYY-MM-DD): "${date}"`);

  const amount = (column: Column, text: string, sign: 'any' | 'not negative'): bigint | null => {
    if (text === '' || currency === null) return null;
    const v = issues.capture(line, column, () => parseAmount(text, currency));
    if (v === undefined) return null;
    if (sign === 'not negative' && v < 0n) {
      bad(column, `must not be negative ("${text}")`);
      return null;
    }
    return v;
  };
  const paymentAmount = amount('payment_amount', amountText, 'not negative');
  const paid = amount('paid_amount', paidText, 'any');
  const discount = amount('discount_amount', discountText, 'not negative');
  const deduction = amount('deduction_amount', deductionText, 'not negative');
  if (reason !== '' && deductionText === '')
    bad('deduction_reason', 'a deduction reason needs the deduction_amount it explains');

  if (id === '') return;
  const first = groups.get(id);
  if (first === undefined) {
    groups.set(id, {
      line,
      id,
      payer,
      reference,
      date,
      amountText,
      amountMinor: paymentAmount,
      currency,
      currencyText,
      lines: [],
      paidMinor: 0n,
    });
  } else {
    // The advice's own fields are repeated on each of its rows; they must say the same thing.
    const differs = (column: Column, mine: string, theirs: string, same: boolean) => {
      if (!same) bad(column, `"${mine}" differs from line ${first.line} of remittance ${id} ("${theirs}")`);
    };
    differs('payer_name', payer, first.payer, payer.toUpperCase() === first.payer.toUpperCase());
    differs('payment_reference', reference, first.reference, reference === first.reference);
    differs('payment_date', date, first.date, date === first.date);
    differs('currency', currencyText, first.currencyText, code === first.currencyText.toUpperCase());
    differs(
      'payment_amount',
      amountText,
      first.amountText,
      paymentAmount !== null && first.amountMinor !== null
        ? paymentAmount === first.amountMinor
        : amountText === first.amountText,
    );
  }
  const group = groups.get(id);
  if (group === undefined || currency === null || paid === null || invoice === '') return;
  if (issues.hasLine(line)) return;
  group.paidMinor += paid;
  // §2.5: paid is net of the line's discount and deduction; the gross settled is their sum.
  const gross = paid + (discount ?? 0n) + (deduction ?? 0n);
  group.lines.push({
    invoice_number: invoice,
    document_type: paid < 0n ? 'credit_memo' : 'invoice',
    account: null,
    paid: formatAmount(paid, currency),
    gross: formatAmount(gross, currency),
    discount: discount === null ? null : formatAmount(discount, currency),
    // A deduction reduces the payment: written negative, as X12 writes an ADX (record-advices.ts).
    adjustments:
      deduction === null || deduction === 0n
        ? []
        : [{ code: reason, amount: formatAmount(-deduction, currency) }],
  });
}

/**
 * Reads an X12 file's 820 transaction sets through the sink (one remittance each). The parsing
 * module chooses the parser from the content; `parser` replaces it (tests).
 */
async function readX12(path: string, file: string, parser: ParserFactory | undefined): Promise<ReadAdvices> {
  const advices: AdviceInput[] = [];
  const warnings: ParseWarning[] = [];
  let claims = 0;
  let other = 0;
  let format: string | null = null;
  const sink: ParseSink = {
    version: () => {},
    format: (f) => {
      format ??= f;
    },
    statement: () => {
      other++;
    },
    balances: () => {},
    entry: () => {
      other++;
    },
    achBatch: () => {},
    achEntry: () => {
      other++;
    },
    remittance: (r: Remittance) => {
      advices.push(r);
    },
    claimPayment: () => {
      claims++;
    },
    warning: (w) => warnings.push(w),
  };
  if (parser === undefined) {
    await parseBankFile(path, sink, { fileName: file, family: 'x12' });
  } else {
    const p = parser(sink, { fileName: file });
    const decoder = new TextDecoder('utf-8');
    for await (const chunk of createReadStream(path, { highWaterMark: 65536 })) {
      const text = decoder.decode(chunk as Buffer, { stream: true });
      if (text !== '') p.push(text);
    }
    const rest = decoder.decode();
    if (rest !== '') p.push(rest);
    p.end();
  }
  if (claims > 0 || other > 0 || (format !== null && format !== 'x12-820')) {
    throw remittancesError(
      'remittances.unsupported_file',
      `${file}: ${claims > 0 ? `holds ${claims} X12 835 health care claim payment(s)` : 'is not an X12 820 remittance advice'}; arbor import remittance reads X12 820 and the CSV of INTERCHANGE.md §2.5`,
    );
  }
  if (advices.length === 0)
    throw remittancesError('remittances.empty_file', `${file}: no 820 remittance advice in the file`);
  // Two transaction sets with the same advice id and payer are the same advice sent twice.
  const issues: InputIssue[] = [];
  const seen = new Map<string, number | undefined>();
  for (const a of advices) {
    if (a.id === null) continue;
    const key = `${a.id}|${payerKey(a.payer)}`;
    if (seen.has(key)) {
      issues.push({
        file,
        ...(a.line === undefined ? {} : { line: a.line }),
        message: `remittance ${a.id} of ${a.payer ?? 'an unnamed payer'} appears twice in the file (also line ${seen.get(key) ?? '?'})`,
      });
    } else {
      seen.set(key, a.line);
    }
  }
  if (issues.length > 0)
    throw remittancesError(
      'remittances.invalid_rows',
      `${file}: ${issues.length} repeated advice(s); nothing was imported`,
      {
        issues,
      },
    );
  return { format: 'x12-820', advices, warnings, rows: advices.length };
}

function payerKey(payer: string | null): string {
  return nameTokens(payer).join(' ');
}

/**
 * An advice the payer already sent (same advice id, same payer) in another file is not
 * recorded twice (INTERCHANGE.md §1: "the file's own identifiers where the format has them").
 */
async function refuseKnownAdvices(
  tx: Executor,
  tenantId: number,
  file: string,
  advices: readonly AdviceInput[],
): Promise<void> {
  const ids = [...new Set(advices.flatMap((a) => (a.id ? [a.id] : [])))];
  const known = await findAdvicesByAdviceIds(tx, tenantId, ids);
  if (known.length === 0) return;
  const byKey = new Map(known.map((k) => [`${k.advice_id}|${payerKey(k.payer_name)}`, k]));
  const issues: InputIssue[] = [];
  for (const a of advices) {
    const k = a.id ? byKey.get(`${a.id}|${payerKey(a.payer)}`) : undefined;
    if (k === undefined) continue;
    issues.push({
      file,
      ...(a.line === undefined ? {} : { line: a.line }),
      column: 'remittance_id',
      message: `remittance ${a.id} of ${a.payer ?? 'an unnamed payer'} was already imported (from ${k.file_name}, ${k.import_id}); nothing was changed`,
    });
  }
  if (issues.length > 0) {
    throw remittancesError(
      'remittances.duplicate_advice',
      `${file}: ${issues.length} advice(s) already imported from another file; nothing was imported`,
      { issues },
    );
  }
}
