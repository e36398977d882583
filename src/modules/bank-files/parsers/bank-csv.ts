import { z } from 'zod';
import { isLocalDate } from '../../../core/local-date.ts';
import { CsvParser, type CsvRecord } from '../../tabular/index.ts';
import { normalizeDecimal } from '../amounts.ts';
import { bankFilesError, unreadable } from '../bank-files.errors.ts';
import type { FormatParser, ParserOptions, ParseSink, StatementEntry } from '../model.ts';

/**
 * Bank CSV exports read through a saved column mapping. Every bank lays its export out differently,
 * so the mapping names, for each field of spec section 4, the header of the column that holds it.
 * Amounts are either one signed column (`amount`), or an unsigned `amount` with a `direction` column
 * whose values the mapping lists, or separate `credit` and `debit` columns.
 */
const columnName = z.string().min(1);

export const ZBankCsvMapping = z
  .object({
    /** A name to save the mapping under. */
    name: z.string().min(1).optional(),
    delimiter: z.string().length(1).default(','),
    /** The decimal mark in amounts; thousands separators (the other mark, spaces, apostrophes) are dropped. */
    decimal_mark: z.enum(['.', ',']).default('.'),
    date_format: z
      .enum(['YYYY-MM-DD', 'MM/DD/YYYY', 'DD/MM/YYYY', 'DD.MM.YYYY', 'YYYYMMDD'])
      .default('YYYY-MM-DD'),
    /** The account the export is for, when no column holds it. */
    account: z.string().min(1).optional(),
    currency: z.string().length(3).optional(),
    columns: z
      .object({
        account: columnName.optional(),
        currency: columnName.optional(),
        booking_date: columnName,
        value_date: columnName.optional(),
        amount: columnName.optional(),
        credit: columnName.optional(),
        debit: columnName.optional(),
        direction: columnName.optional(),
        reference: columnName.optional(),
        type_code: columnName.optional(),
        counterparty_name: columnName.optional(),
        counterparty_account: columnName.optional(),
        end_to_end_id: columnName.optional(),
        check_number: columnName.optional(),
        customer_reference: columnName.optional(),
        remittance_text: columnName.optional(),
        return_reason: columnName.optional(),
      })
      .strict(),
    /** Values of the `direction` column that mean credit and debit (compared case-insensitively). */
    credit_values: z.array(z.string()).default(['C', 'CR', 'CREDIT', 'CRDT']),
    debit_values: z.array(z.string()).default(['D', 'DR', 'DEBIT', 'DBIT']),
  })
  .strict()
  .superRefine((m, ctx) => {
    const c = m.columns;
    const signed = c.amount !== undefined;
    const split = c.credit !== undefined || c.debit !== undefined;
    if (signed === split)
      ctx.addIssue({
        code: 'custom',
        path: ['columns'],
        message: 'map either "amount" (signed, or with "direction") or "credit" and/or "debit", not both',
      });
    if (c.direction !== undefined && !signed)
      ctx.addIssue({ code: 'custom', path: ['columns', 'direction'], message: '"direction" needs "amount"' });
    if (m.account === undefined && c.account === undefined)
      ctx.addIssue({
        code: 'custom',
        path: ['account'],
        message: 'give the account, or map the column that holds it',
      });
  });

export type BankCsvMapping = z.infer<typeof ZBankCsvMapping>;

export interface BankCsvOptions extends ParserOptions {
  mapping: BankCsvMapping;
}

/** Reads and checks a mapping (JSON text), naming the file and the field of each problem. */
export function parseBankCsvMapping(text: string, fileName: string): BankCsvMapping {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw bankFilesError('bank_files.invalid_mapping', `${fileName}: not JSON: ${(e as Error).message}`);
  }
  const parsed = ZBankCsvMapping.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => ({
      file: fileName,
      column: i.path.join('.') || '(mapping)',
      message: i.message,
    }));
    throw bankFilesError(
      'bank_files.invalid_mapping',
      `${fileName}: ${issues.map((i) => `${i.column}: ${i.message}`).join('; ')}`,
      { issues },
    );
  }
  return parsed.data;
}

type Field = keyof BankCsvMapping['columns'];

function parseDate(text: string, format: BankCsvMapping['date_format']): string | null {
  const t = text.trim();
  let y: string | undefined;
  let m: string | undefined;
  let d: string | undefined;
  let r: RegExpExecArray | null;
  switch (format) {
    case 'YYYY-MM-DD':
      r = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ].*)?$/.exec(t);
      [y, m, d] = [r?.[1], r?.[2], r?.[3]];
      break;
    case 'MM/DD/YYYY':
      r = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(t);
      [m, d, y] = [r?.[1], r?.[2], r?.[3]];
      break;
    case 'DD/MM/YYYY':
      r = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(t);
      [d, m, y] = [r?.[1], r?.[2], r?.[3]];
      break;
    case 'DD.MM.YYYY':
      r = /^(\d{1,2})\.(\d{1,2})\.(\d{4})$/.exec(t);
      [d, m, y] = [r?.[1], r?.[2], r?.[3]];
      break;
    case 'YYYYMMDD':
      r = /^(\d{4})(\d{2})(\d{2})$/.exec(t);
      [y, m, d] = [r?.[1], r?.[2], r?.[3]];
      break;
  }
  if (y === undefined || m === undefined || d === undefined) return null;
  const iso = `${y}-${m.padStart(2, '0')}-${d.padStart(2, '0')}`;
  return isLocalDate(iso) ? iso : null;
}

/** `1.234,56` (decimal mark `,`) or `1,234.56` → `1234.56`; `(12.00)` → `-12.00`. */
function plainDecimal(text: string, decimalMark: '.' | ','): string {
  let t = text.trim().replace(/[\s'\u00a0]/g, '');
  let negative = false;
  if (/^\(.*\)$/.test(t)) {
    negative = true;
    t = t.slice(1, -1);
  }
  if (t.endsWith('-')) {
    negative = !negative;
    t = t.slice(0, -1);
  }
  t = t.replace(/^[A-Z$€£]{1,3}/i, '');
  t = decimalMark === ',' ? t.replaceAll('.', '').replace(',', '.') : t.replaceAll(',', '');
  if (negative) t = t.startsWith('-') ? t.slice(1) : `-${t}`;
  return t;
}

export function createBankCsvParser(sink: ParseSink, options: BankCsvOptions): FormatParser {
  const { mapping, fileName } = options;
  const csv = new CsvParser({ delimiter: mapping.delimiter });
  const records: CsvRecord[] = [];
  let index: Partial<Record<Field, number>> | null = null;
  let width = 0;
  let currentAccount: string | null = null;
  let currentCurrency: string | null = null;
  const credits = new Set(mapping.credit_values.map((v) => v.toUpperCase()));
  const debits = new Set(mapping.debit_values.map((v) => v.toUpperCase()));
  sink.version(null);

  const bindHeader = (fields: string[], line: number) => {
    const byName = new Map(fields.map((f, i) => [f.trim().toLowerCase(), i]));
    const bound: Partial<Record<Field, number>> = {};
    const missing: string[] = [];
    for (const [field, header] of Object.entries(mapping.columns) as [Field, string | undefined][]) {
      if (header === undefined) continue;
      const i = byName.get(header.trim().toLowerCase());
      if (i === undefined) missing.push(`"${header}" (${field})`);
      else bound[field] = i;
    }
    if (missing.length > 0)
      throw unreadable(
        fileName,
        line,
        `the mapping's column${missing.length > 1 ? 's' : ''} ${missing.join(', ')} not in the header (${fields.join(', ')})`,
      );
    index = bound;
    width = fields.length;
  };

  const handleRow = (fields: string[], line: number) => {
    const ix = index as Partial<Record<Field, number>>;
    const get = (f: Field): string | null => {
      const i = ix[f];
      if (i === undefined) return null;
      const v = (fields[i] ?? '').trim();
      return v === '' ? null : v;
    };
    if (fields.length !== width)
      sink.warning({ line, message: `${fields.length} fields where the header has ${width}` });
    const account = get('account') ?? mapping.account ?? '';
    const currency = (get('currency') ?? mapping.currency ?? null)?.toUpperCase() ?? null;
    if (account !== currentAccount || currency !== currentCurrency) {
      currentAccount = account;
      currentCurrency = currency;
      sink.statement({ account, currency, opening_balance: null, closing_balance: null });
    }
    const bookingText = get('booking_date');
    const booking = bookingText === null ? null : parseDate(bookingText, mapping.date_format);
    if (booking === null) {
      sink.warning({
        line,
        message: `${mapping.columns.booking_date}: "${bookingText ?? ''}" is not a date in ${mapping.date_format}; row skipped`,
      });
      return;
    }
    const valueText = get('value_date');
    const value = valueText === null ? null : parseDate(valueText, mapping.date_format);
    if (valueText !== null && value === null)
      sink.warning({
        line,
        message: `${mapping.columns.value_date}: "${valueText}" is not a date; left empty`,
      });

    let signed: string | null = null;
    let amountColumn = '';
    const amountText = get('amount');
    if (mapping.columns.amount !== undefined) {
      amountColumn = mapping.columns.amount;
      if (amountText !== null)
        signed = normalizeDecimal(plainDecimal(amountText, mapping.decimal_mark), currency);
      if (signed !== null && mapping.columns.direction !== undefined) {
        const dir = (get('direction') ?? '').toUpperCase();
        const magnitude = signed.replace(/^-/, '');
        if (credits.has(dir)) signed = magnitude;
        else if (debits.has(dir)) signed = `-${magnitude}`;
        else {
          sink.warning({
            line,
            message: `${mapping.columns.direction}: "${dir}" is neither a credit (${[...credits].join('/')}) nor a debit value; row skipped`,
          });
          return;
        }
      }
    } else {
      const credit = get('credit');
      const debit = get('debit');
      if (credit !== null && debit !== null) {
        sink.warning({ line, message: 'both credit and debit have an amount; row skipped' });
        return;
      }
      amountColumn = (credit !== null ? mapping.columns.credit : mapping.columns.debit) ?? 'amount';
      const text = credit ?? debit;
      if (text !== null) {
        const n = normalizeDecimal(plainDecimal(text, mapping.decimal_mark), currency);
        signed = n === null ? null : credit !== null ? n.replace(/^-/, '') : `-${n.replace(/^-/, '')}`;
      }
    }
    if (signed === null) {
      sink.warning({ line, message: `${amountColumn}: no amount, or not an amount; row skipped` });
      return;
    }
    const negative = signed.startsWith('-');
    const entry: StatementEntry = {
      reference: get('reference'),
      booking_date: booking,
      value_date: value,
      amount: negative ? signed.slice(1) : signed,
      direction: negative ? 'debit' : 'credit',
      type_code: get('type_code'),
      counterparty_name: get('counterparty_name'),
      counterparty_account: get('counterparty_account'),
      end_to_end_id: get('end_to_end_id'),
      check_number: get('check_number'),
      customer_reference: get('customer_reference'),
      remittance_text: get('remittance_text'),
      return_reason: get('return_reason'),
      reversal: false,
      line,
    };
    sink.entry(entry);
  };

  const drain = () => {
    for (const r of records) {
      if ('error' in r) {
        sink.warning({ line: r.line, message: r.error });
        continue;
      }
      if (index === null) bindHeader(r.fields, r.line);
      else handleRow(r.fields, r.line);
    }
    records.length = 0;
  };

  return {
    push(chunk) {
      csv.push(chunk, records);
      drain();
    },
    end() {
      csv.end(records);
      drain();
      if (index === null) throw unreadable(fileName, null, 'empty file: no header row');
    },
  };
}
