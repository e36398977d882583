import type { Executor, ServiceContext } from '../../core/context.ts';
import { type CurrencyCode, isCurrencyCode } from '../../core/currency.ts';
import type { InputIssue } from '../../core/errors.ts';
import { newId } from '../../core/ids.ts';
import { isLocalDate } from '../../core/local-date.ts';
import { formatAmount, parseAmount } from '../../core/money.ts';
import type { RemittanceAdvicesTable } from '../../db/schema.ts';
import { recordAudit } from '../audit/index.ts';
import { normalizeDecimal, type Remittance, type RemittanceLine } from '../bank-files/index.ts';
import { getDefaultEntity } from '../tenancy/index.ts';
import { remittancesError } from './remittances.errors.ts';
import {
  type AdviceRow,
  insertAdvices,
  insertLines,
  type LineRow,
  lockReceiptsForLink,
} from './remittances.repo.ts';

export type RemittanceSourceFormat = RemittanceAdvicesTable['source_format'];

/** A parser's remittance, and the receipt it came with when the same file carried the money. */
export type AdviceInput = Remittance & { receiptId?: string | null; line?: number };

export interface RecordAdvicesArgs {
  readonly importId: string;
  readonly format: RemittanceSourceFormat;
  readonly advices: readonly AdviceInput[];
  /** The file the advices came from, for messages (`FILE:LINE: …`). */
  readonly file?: string;
}

export interface RecordedAdvice {
  readonly id: string;
  /** The payer's id of the advice. */
  readonly adviceId: string | null;
  readonly receiptId: string | null;
}

export interface RecordAdvicesResult {
  readonly advices: RecordedAdvice[];
  readonly lines: number;
  /** Advices linked at once to the receipt of the same file. */
  readonly linked: number;
}

/**
 * Keeps remittance advices as the payer stated them, in the shape every parser produces (spec
 * section 4): amounts become minor units of the advice's currency (the default entity's when the
 * advice names none), and each line keeps its invoice number, document type, customer account, paid,
 * gross and discount. A line's adjustments (X12 ADX, RMR07/08; a CSV deduction) are kept whole in
 * `adjustments`; their shortfall becomes `deduction_minor` with the reason code of the largest one.
 * An advice that came with its money (`receiptId`) is linked at once (`linked_by = 'same-file'`).
 *
 * All or nothing: every problem of every advice is reported (`remittances.invalid_advice`, with each
 * issue located), and nothing is written when there is one.
 */
export async function recordAdvices(
  tx: Executor,
  ctx: ServiceContext,
  args: RecordAdvicesArgs,
): Promise<RecordAdvicesResult> {
  const { tenantId } = ctx;
  const file = args.file;
  const issues: InputIssue[] = [];
  const issue = (line: number | undefined, column: string | undefined, message: string) =>
    issues.push({
      ...(file === undefined ? {} : { file }),
      ...(line === undefined ? {} : { line }),
      ...(column === undefined ? {} : { column }),
      message,
    });

  let defaultCurrency: CurrencyCode | null = null;
  const currencyOf = async (text: string | null): Promise<CurrencyCode | null> => {
    if (text === null || text.trim() === '') {
      defaultCurrency ??= (await getDefaultEntity(tx, tenantId)).currency;
      return defaultCurrency;
    }
    const code = text.trim().toUpperCase();
    return isCurrencyCode(code) ? code : null;
  };

  const adviceRows: AdviceRow[] = [];
  const lineRows: LineRow[] = [];
  const recorded: RecordedAdvice[] = [];
  const sameFile: { adviceId: string; receiptId: string; line: number | undefined; currency: string }[] = [];

  for (const advice of args.advices) {
    const line = advice.line;
    const currency = await currencyOf(advice.currency);
    if (currency === null) {
      issue(line, 'currency', `unknown currency code "${advice.currency}" (ISO 4217)`);
      continue;
    }
    const amountOf = (text: string | null, column: string): bigint | null | undefined => {
      if (text === null) return null;
      const canonical = normalizeDecimal(text, currency);
      if (canonical === null) {
        issue(line, column, `"${text}" is not an amount in ${currency}`);
        return undefined;
      }
      return parseAmount(canonical, currency);
    };
    let ok = true;
    const paymentAmount = amountOf(advice.payment_amount, 'payment_amount');
    if (paymentAmount === undefined) ok = false;
    if (advice.payment_date !== null && !isLocalDate(advice.payment_date)) {
      issue(line, 'payment_date', `not a valid date (YYYY-MM-DD): "${advice.payment_date}"`);
      ok = false;
    }
    if (advice.payment_amount === null && advice.lines.length === 0) {
      issue(line, 'payment_amount', 'the advice has neither a payment amount nor lines');
      ok = false;
    }
    const id = newId('remittance');
    const lines: LineRow[] = [];
    advice.lines.forEach((l, i) => {
      const row = lineRow(id, i + 1, l, currency, (column, message) => issue(line, column, message));
      if (row === null) ok = false;
      else lines.push(row);
    });
    if (!ok) continue;
    const receiptId = advice.receiptId ?? null;
    adviceRows.push({
      id,
      import_id: args.importId,
      source_format: args.format,
      advice_id: blankToNull(advice.id),
      payer_name: blankToNull(advice.payer),
      payment_reference: blankToNull(advice.payment_reference),
      payment_date: advice.payment_date,
      payment_amount_minor: paymentAmount ?? null,
      currency,
      line: line ?? null,
      receipt_id: receiptId,
      linked_by: receiptId === null ? null : 'same-file',
    });
    lineRows.push(...lines);
    recorded.push({ id, adviceId: blankToNull(advice.id), receiptId });
    if (receiptId !== null) sameFile.push({ adviceId: id, receiptId, line, currency });
  }

  // One advice per receipt: the receipt exists, is in the advice's currency and has no advice yet.
  if (sameFile.length > 0) {
    const receipts = new Map(
      (
        await lockReceiptsForLink(
          tx,
          tenantId,
          sameFile.map((s) => s.receiptId),
        )
      ).map((r) => [r.id, r]),
    );
    const claimed = new Map<string, number | undefined>();
    for (const s of sameFile) {
      const r = receipts.get(s.receiptId);
      if (r === undefined) issue(s.line, undefined, `receipt ${s.receiptId} not found`);
      else if (r.currency.trim() !== s.currency)
        issue(
          s.line,
          'currency',
          `the advice is in ${s.currency} but its receipt ${r.reference} in ${r.currency}`,
        );
      else if (r.linked_advice !== null)
        issue(s.line, undefined, `receipt ${r.reference} is already explained by advice ${r.linked_advice}`);
      else if (claimed.has(s.receiptId))
        issue(
          s.line,
          undefined,
          `receipt ${r.reference} is claimed by two advices (also line ${claimed.get(s.receiptId) ?? '?'})`,
        );
      claimed.set(s.receiptId, s.line);
    }
  }

  if (issues.length > 0) {
    throw remittancesError(
      'remittances.invalid_advice',
      `${file ? `${file}: ` : ''}${issues.length} problem(s) in the remittance advices; nothing was recorded`,
      { issues },
    );
  }

  await insertAdvices(tx, tenantId, adviceRows);
  await insertLines(tx, tenantId, lineRows);
  await recordAudit(
    tx,
    tenantId,
    sameFile.map((s) => ({
      actor: ctx.actor,
      action: 'remittance.link',
      objectType: 'remittance_advice',
      objectId: s.adviceId,
      before: { receipt_id: null },
      after: { receipt_id: s.receiptId, linked_by: 'same-file', import_id: args.importId },
    })),
  );
  return { advices: recorded, lines: lineRows.length, linked: sameFile.length };
}

function blankToNull(s: string | null | undefined): string | null {
  if (s === null || s === undefined) return null;
  const t = s.trim();
  return t === '' ? null : t;
}

/** A line in minor units, or null (after reporting) when an amount cannot be read. */
function lineRow(
  adviceId: string,
  lineNo: number,
  l: RemittanceLine,
  currency: CurrencyCode,
  report: (column: string, message: string) => void,
): LineRow | null {
  let ok = true;
  const amount = (text: string | null, column: string): bigint | null => {
    if (text === null) return null;
    const canonical = normalizeDecimal(text, currency);
    if (canonical === null) {
      report(
        column,
        `line ${lineNo} (${l.invoice_number || 'no invoice number'}): "${text}" is not an amount in ${currency}`,
      );
      ok = false;
      return null;
    }
    return parseAmount(canonical, currency);
  };
  const paid = amount(l.paid, 'paid_amount');
  const gross = amount(l.gross, 'gross');
  const discount = amount(l.discount, 'discount_amount');
  const adjustments = l.adjustments.map((a) => ({
    code: a.code.trim(),
    amountMinor: amount(a.amount, 'adjustment'),
  }));
  if (!ok || paid === null) {
    if (ok) report('paid_amount', `line ${lineNo}: the paid amount is missing`);
    return null;
  }
  const parsed = adjustments.map((a) => ({ code: a.code, amountMinor: a.amountMinor ?? 0n }));
  const deduction = deductionOf({ paid, gross, discount, adjustments: parsed });
  return {
    advice_id: adviceId,
    line_no: lineNo,
    invoice_number: l.invoice_number.trim(),
    document_type: l.document_type,
    account_number: blankToNull(l.account),
    paid_minor: paid,
    gross_minor: gross,
    discount_minor: discount,
    deduction_minor: deduction?.amountMinor ?? null,
    deduction_reason: deduction?.reason ?? null,
    adjustments:
      parsed.length === 0
        ? null
        : JSON.stringify(
            parsed.map((a) => ({ code: a.code, amount: formatAmount(a.amountMinor, currency) })),
          ),
  };
}

/**
 * The short payment a line's adjustments explain, as a positive amount, with the reason code of the
 * largest of them. X12 (003050 and later) signs an adjustment negative when it reduces the payment,
 * and the CSV import writes a deduction that way too: the shortfall is minus their sum. A payer that
 * writes a reduction unsigned is recognised when the line's own arithmetic says so (gross − discount −
 * paid equals the sum); otherwise a positive sum (late-payment interest) adds to the payment and is
 * not a deduction, only kept in `adjustments`.
 */
export function deductionOf(line: {
  paid: bigint;
  gross: bigint | null;
  discount: bigint | null;
  adjustments: readonly { code: string; amountMinor: bigint }[];
}): { amountMinor: bigint; reason: string | null } | null {
  const sum = line.adjustments.reduce((s, a) => s + a.amountMinor, 0n);
  if (sum === 0n) return null;
  let shortfall: bigint;
  let sign: 1n | -1n;
  if (sum < 0n) {
    shortfall = -sum;
    sign = -1n;
  } else if (line.gross !== null && line.gross - (line.discount ?? 0n) - line.paid === sum) {
    shortfall = sum;
    sign = 1n;
  } else {
    return null;
  }
  let largest: { code: string; amountMinor: bigint } | null = null;
  for (const a of line.adjustments) {
    const size = a.amountMinor * sign;
    if (size > 0n && (largest === null || size > largest.amountMinor * sign)) largest = a;
  }
  const reason = largest?.code ? largest.code : null;
  return { amountMinor: shortfall, reason };
}
