import { type CurrencyCode, parseCurrency } from '../../../core/currency.ts';
import { isLocalDate, type LocalDate } from '../../../core/local-date.ts';
import { parseAmount } from '../../../core/money.ts';
import {
  discountUntil,
  dueDateFor,
  type PaymentTerms,
  parsePaymentTerms,
} from '../../../core/payment-terms.ts';

export type DocumentType = 'invoice' | 'credit_memo' | 'debit_memo';

export interface InvoiceRowInput {
  readonly get: (column: string) => string;
}

export interface CustomerDefaults {
  readonly id: string;
  readonly entityId: string;
  readonly currency: CurrencyCode;
  readonly terms: string;
}

export interface ParsedInvoiceRow {
  readonly number: string;
  readonly type: DocumentType;
  readonly issueDate: LocalDate;
  readonly dueDate: LocalDate;
  readonly currency: CurrencyCode;
  /** Signed: credit memos negative. */
  readonly amountMinor: bigint;
  readonly terms: string;
  readonly discountPercent: string | null;
  readonly discountUntil: LocalDate | null;
  readonly poNumber: string | null;
  readonly reference: string | null;
  readonly description: string | null;
  readonly appliesTo: string | null;
}

export type ColumnProblem = { readonly column: string; readonly message: string };

const DOCUMENT_TYPES: ReadonlyMap<string, DocumentType> = new Map(
  (['invoice', 'credit_memo', 'debit_memo'] as const).map((t) => [t, t]),
);

/**
 * Reads one row of the invoices format (INTERCHANGE.md §2.3) given its customer's defaults. Pure:
 * returns the document or every problem with the column it is in.
 */
export function parseInvoiceRow(
  row: InvoiceRowInput,
  customer: CustomerDefaults,
): { ok: true; value: ParsedInvoiceRow } | { ok: false; problems: ColumnProblem[] } {
  const problems: ColumnProblem[] = [];
  const typeText = row.get('type').toLowerCase() || 'invoice';
  const type = DOCUMENT_TYPES.get(typeText);
  if (!type)
    problems.push({
      column: 'type',
      message: `"${row.get('type')}" is not invoice, credit_memo or debit_memo`,
    });

  const issueText = row.get('issue_date');
  const issueDate = isDate(issueText) ? issueText : null;
  if (!issueDate) {
    problems.push({
      column: 'issue_date',
      message: issueText ? `"${issueText}" is not a date (YYYY-MM-DD)` : 'is required',
    });
  }

  let currency: CurrencyCode | null = customer.currency;
  const currencyText = row.get('currency');
  if (currencyText) {
    try {
      currency = parseCurrency(currencyText);
    } catch (e) {
      problems.push({ column: 'currency', message: (e as Error).message });
      currency = null;
    }
  }

  let amount: bigint | null = null;
  const amountText = row.get('amount');
  if (!amountText) problems.push({ column: 'amount', message: 'is required' });
  else if (currency) {
    try {
      amount = parseAmount(amountText, currency);
      if (amount <= 0n) {
        problems.push({
          column: 'amount',
          message: `must be positive (the type gives the sign), not ${amountText}`,
        });
        amount = null;
      }
    } catch (e) {
      problems.push({ column: 'amount', message: (e as Error).message });
    }
  }

  const termsText = row.get('terms') || customer.terms;
  const parsedTerms = termsOf(termsText);
  const terms = typeof parsedTerms === 'string' ? null : parsedTerms;
  if (typeof parsedTerms === 'string') problems.push({ column: 'terms', message: parsedTerms });

  let dueDate: LocalDate | null = null;
  const dueText = row.get('due_date');
  if (dueText) {
    if (!isDate(dueText))
      problems.push({ column: 'due_date', message: `"${dueText}" is not a date (YYYY-MM-DD)` });
    else if (issueDate && dueText < issueDate) {
      problems.push({ column: 'due_date', message: `${dueText} is before the issue date ${issueDate}` });
    } else dueDate = dueText;
  } else if (issueDate && terms) {
    // Credit memos are due at once: they are credits, not claims with terms.
    dueDate = type === 'credit_memo' ? issueDate : datesOf(terms, issueDate).due;
  }

  const appliesTo = row.get('applies_to') || null;
  if (appliesTo && type !== 'credit_memo') {
    problems.push({ column: 'applies_to', message: 'only a credit memo can apply to an invoice' });
  }

  if (problems.length > 0 || !type || !issueDate || !currency || amount === null || !terms || !dueDate) {
    return { ok: false, problems };
  }
  const withDiscount = type !== 'credit_memo' && terms.discount !== null;
  return {
    ok: true,
    value: {
      number: row.get('invoice_number'),
      type,
      issueDate,
      dueDate,
      currency,
      amountMinor: type === 'credit_memo' ? -amount : amount,
      terms: terms.code,
      discountPercent: withDiscount ? (terms.discount?.percent ?? null) : null,
      discountUntil: withDiscount ? datesOf(terms, issueDate).discountUntil : null,
      poNumber: row.get('po_number') || null,
      reference: row.get('reference') || null,
      description: row.get('description') || null,
      appliesTo,
    },
  };
}

// A file names a handful of terms and a few hundred dates over and over: checking each date text
// once, parsing each terms text once and working out each (terms, issue date) pair once keeps a
// million-row import from redoing the same calendar arithmetic. The memos are bounded; the
// functions stay pure.
const MEMO_LIMIT = 4096;
const termsMemo = new Map<string, PaymentTerms | string>();
const datesValid = new Map<string, boolean>();
const datesMemo = new WeakMap<PaymentTerms, Map<string, TermDates>>();

interface TermDates {
  readonly due: LocalDate;
  readonly discountUntil: LocalDate | null;
}

function isDate(text: string): text is LocalDate {
  let valid = datesValid.get(text);
  if (valid === undefined) {
    valid = isLocalDate(text);
    if (datesValid.size >= MEMO_LIMIT) datesValid.clear();
    datesValid.set(text, valid);
  }
  return valid;
}

/** The terms `text` names, or the message saying why it names none. */
function termsOf(text: string): PaymentTerms | string {
  let terms = termsMemo.get(text);
  if (terms === undefined) {
    try {
      terms = parsePaymentTerms(text);
    } catch (e) {
      terms = (e as Error).message;
    }
    if (termsMemo.size >= MEMO_LIMIT) termsMemo.clear();
    termsMemo.set(text, terms);
  }
  return terms;
}

function datesOf(terms: PaymentTerms, issueDate: LocalDate): TermDates {
  let byDate = datesMemo.get(terms);
  if (byDate === undefined) {
    byDate = new Map();
    datesMemo.set(terms, byDate);
  }
  let dates = byDate.get(issueDate);
  if (dates === undefined) {
    dates = { due: dueDateFor(terms, issueDate), discountUntil: discountUntil(terms, issueDate) };
    if (byDate.size >= MEMO_LIMIT) byDate.clear();
    byDate.set(issueDate, dates);
  }
  return dates;
}
