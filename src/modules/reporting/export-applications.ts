import { sql } from 'kysely';
import type { ServiceContext } from '../../core/context.ts';
import type { CurrencyCode } from '../../core/currency.ts';
import type { LocalDate } from '../../core/local-date.ts';
import { formatAmount } from '../../core/money.ts';

/** Column names of the applications export, exactly as in INTERCHANGE.md §3. */
export const APPLICATION_EXPORT_COLUMNS = [
  'receipt_reference',
  'receipt_date',
  'receipt_amount',
  'currency',
  'account_number',
  'target',
  'kind',
  'amount',
  'reason_code',
  'status',
  'confidence',
  'explanation',
] as const;

export type ApplicationExportRow = Record<(typeof APPLICATION_EXPORT_COLUMNS)[number], string>;

export const EXPORT_STATUSES = ['auto', 'confirmed', 'manual', 'history', 'open', 'suggested'] as const;

export interface ExportOptions {
  readonly since?: LocalDate;
  readonly statuses?: readonly string[];
  readonly includeSuggestions?: boolean;
}

const PAGE = 2000;

interface ReceiptPageRow {
  id: string;
  reference: string;
  receipt_date: string;
  amount_minor: bigint;
  unapplied_minor: bigint;
  currency: string;
  receipt_account: string | null;
  engine_explanation: string | null;
}

interface SuggestionRow {
  receipt_id: string;
  confidence: string;
  explanation: string;
  allocation: {
    kind: string;
    item_number: string | null;
    customer_id: string | null;
    amount_minor: string;
    reason_code: string | null;
  }[];
}

interface AppRow {
  receipt_id: string;
  kind: string;
  amount_minor: bigint;
  reason_code: string | null;
  status: string;
  confidence: string | null;
  explanation: string | null;
  account_number: string | null;
  target: string | null;
}

/**
 * The applications export (INTERCHANGE.md §3): for every receipt with an amount, one row per live
 * application (reversed ones and their reversals cancel out and are left out) and an `unapplied` row
 * for what is left, so each receipt's rows sum to its amount. Streams receipts in pages by date.
 */
export async function* exportApplications(
  ctx: ServiceContext,
  options: ExportOptions = {},
): AsyncGenerator<ApplicationExportRow> {
  const ex = ctx.database.db;
  const tenantId = ctx.tenantId;
  const statuses = options.statuses && options.statuses.length > 0 ? new Set(options.statuses) : null;
  let after: { date: string; id: string } | null = null;
  for (;;) {
    const receipts: ReceiptPageRow[] = (
      await sql<ReceiptPageRow>`
        select r.id, r.reference, r.receipt_date, r.amount_minor - r.returned_minor as amount_minor, r.unapplied_minor,
          r.currency, c.account_number as receipt_account, r.engine_explanation
        from receipts r left join customers c on c.tenant_id = r.tenant_id and c.id = r.customer_id
        where r.tenant_id = ${tenantId} and r.amount_minor > r.returned_minor
          ${options.since ? sql`and r.receipt_date >= ${options.since}::date` : sql``}
          ${after ? sql`and (r.receipt_date, r.id) > (${after.date}::date, ${after.id})` : sql``}
        order by r.receipt_date, r.id
        limit ${PAGE}`.execute(ex)
    ).rows;
    if (receipts.length === 0) return;
    const last = receipts.at(-1);
    if (last) after = { date: last.receipt_date, id: last.id };
    const apps = (
      await sql<AppRow>`
        select a.receipt_id, a.kind, a.amount_minor, a.reason_code, a.status, a.confidence::text as confidence,
          a.explanation, c.account_number,
          case when a.kind in ('invoice', 'credit_memo') then i.number end as target
        from applications a
        left join customers c on c.tenant_id = a.tenant_id and c.id = a.customer_id
        left join items i on i.tenant_id = a.tenant_id and i.id = a.item_id
        where a.tenant_id = ${tenantId} and a.receipt_id = any(${receipts.map((r) => r.id)}::text[])
          and a.reversal_of is null
          and not exists (select 1 from applications x where x.tenant_id = a.tenant_id and x.reversal_of = a.id)
        order by a.receipt_id, a.id`.execute(ex)
    ).rows;
    const suggestions = new Map<string, SuggestionRow>();
    if (options.includeSuggestions) {
      const open = receipts.filter((r) => r.unapplied_minor > 0n).map((r) => r.id);
      if (open.length > 0) {
        const rows = (
          await sql<SuggestionRow>`
            select receipt_id, confidence::text as confidence, explanation, allocation from cash_suggestions
            where tenant_id = ${tenantId} and status = 'open' and rank = 1 and receipt_id = any(${open}::text[])`.execute(
            ex,
          )
        ).rows;
        for (const s of rows)
          suggestions.set(s.receipt_id, {
            ...s,
            allocation: typeof s.allocation === 'string' ? JSON.parse(s.allocation) : s.allocation,
          });
      }
    }
    const customerNumbers = new Map<string, string>();
    const ids = [
      ...new Set(
        [...suggestions.values()].flatMap((s) =>
          s.allocation.flatMap((a) => (a.customer_id ? [a.customer_id] : [])),
        ),
      ),
    ];
    if (ids.length > 0) {
      for (const c of await ex
        .selectFrom('customers')
        .select(['id', 'account_number'])
        .where('tenant_id', '=', tenantId)
        .where('id', 'in', ids)
        .execute())
        customerNumbers.set(c.id, c.account_number);
    }
    const byReceipt = new Map<string, AppRow[]>();
    for (const a of apps) byReceipt.set(a.receipt_id, [...(byReceipt.get(a.receipt_id) ?? []), a]);
    for (const r of receipts) {
      const currency = r.currency as CurrencyCode;
      const amount = (v: bigint) => formatAmount(v, currency);
      const rows: ApplicationExportRow[] = (byReceipt.get(r.id) ?? []).map((a) => ({
        receipt_reference: r.reference,
        receipt_date: r.receipt_date,
        receipt_amount: amount(r.amount_minor),
        currency,
        account_number: a.account_number ?? '',
        target: a.target ?? '',
        kind: a.kind,
        amount: amount(a.amount_minor),
        reason_code: a.reason_code ?? '',
        status: a.status,
        confidence: a.status === 'auto' && a.confidence !== null ? trimDecimal(a.confidence) : '',
        explanation: a.explanation ?? '',
      }));
      if (r.unapplied_minor > 0n) {
        rows.push({
          receipt_reference: r.reference,
          receipt_date: r.receipt_date,
          receipt_amount: amount(r.amount_minor),
          currency,
          account_number: r.receipt_account ?? '',
          target: '',
          kind: 'unapplied',
          amount: amount(r.unapplied_minor),
          reason_code: '',
          status: 'open',
          confidence: '',
          explanation: r.engine_explanation ?? (rows.length === 0 ? 'not applied' : 'remainder not applied'),
        });
      }
      const suggestion = suggestions.get(r.id);
      if (suggestion) {
        for (const a of suggestion.allocation) {
          rows.push({
            receipt_reference: r.reference,
            receipt_date: r.receipt_date,
            receipt_amount: amount(r.amount_minor),
            currency,
            account_number: a.customer_id ? (customerNumbers.get(a.customer_id) ?? '') : '',
            target: a.kind === 'invoice' || a.kind === 'credit_memo' ? (a.item_number ?? '') : '',
            kind: a.kind,
            amount: amount(BigInt(a.amount_minor)),
            reason_code: a.reason_code ?? '',
            status: 'suggested',
            confidence: trimDecimal(suggestion.confidence),
            explanation: suggestion.explanation,
          });
        }
      }
      if (statuses && !rows.some((x) => statuses.has(x.status))) continue;
      yield* rows;
    }
    if (receipts.length < PAGE) return;
  }
}

function trimDecimal(s: string): string {
  return s.includes('.') ? s.replace(/0+$/, '').replace(/\.$/, '') : s;
}
