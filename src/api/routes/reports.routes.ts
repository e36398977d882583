import { createRoute, z } from '@hono/zod-openapi';
import type { CurrencyCode } from '../../core/currency.ts';
import type { LocalDate } from '../../core/local-date.ts';
import {
  BANK_RECONCILIATION_LABELS,
  buildBankReconciliation,
  type ReconcilingItem,
} from '../../modules/banking/index.ts';
import { checkLedger } from '../../modules/integrity/index.ts';
import { findCustomerProfiles, findCustomersPage } from '../../modules/parties/index.ts';
import {
  type AgingRow,
  buildAgingReport,
  buildStatement,
  DEFAULT_BOUNDARIES,
  defaultStatementRange,
  parseBoundaries,
} from '../../modules/reporting/index.ts';
import { apiError } from '../api.errors.ts';
import { canReadPhi, logPhiReads, maskText } from '../phi.ts';
import { defineRoute } from '../route.ts';
import { amount, decodeCursor, ERRORS, encodeCursor, json, jsonContent, ZAmount, ZDate } from './common.ts';
import { portfolioOf } from './customers.routes.ts';
import { ZDay } from './receivables.routes.ts';

const ZBucket = z
  .object({
    key: z.string().openapi({ example: '1_30' }),
    label: z.string().openapi({ example: '1-30' }),
    minDays: z.number().int().nullable(),
    maxDays: z.number().int().nullable(),
  })
  .openapi('AgingBucket');

const ZAgingAmounts = z.object({
  currency: z.string(),
  buckets: z.array(ZAmount).openapi({ description: 'one amount per bucket, in the order of `buckets`' }),
  credits: ZAmount.openapi({ description: 'open credit memos and on-account credits (zero or negative)' }),
  balance: ZAmount.openapi({ description: 'buckets + credits' }),
  unapplied: ZAmount.openapi({ description: 'cash received and not yet applied (zero or negative)' }),
  net: ZAmount.openapi({ description: 'balance + unapplied' }),
});

const ZAgingRow = ZAgingAmounts.extend({
  accountNumber: z.string(),
  name: z.string().openapi({ description: "a consumer's name is masked for roles without phi:read" }),
  parentAccountNumber: z.string().nullable(),
  customers: z.number().int().openapi({ description: 'customers rolled into the row (by=parent)' }),
}).openapi('AgingRow');

const ZAgingTotal = ZAgingAmounts.extend({ accounts: z.number().int() }).openapi('AgingTotal');

const ZAgingReport = z
  .object({
    asOf: ZDate,
    basis: z.enum(['due', 'issue']),
    by: z.enum(['customer', 'parent']),
    source: z.enum(['open_items', 'ledger']),
    buckets: z.array(ZBucket),
    rows: z.array(ZAgingRow),
    unidentified: z
      .array(z.object({ currency: z.string(), unapplied: ZAmount }))
      .openapi({ description: 'receipts not tied to a customer (in the totals, in no row)' }),
    totals: z
      .array(ZAgingTotal)
      .openapi({ description: 'per currency, over every row (not only this page)' }),
    nextCursor: z.string().nullable(),
  })
  .openapi('AgingReport');

const ZCurrencyAmount = z.object({ currency: z.string(), amount: ZAmount });

const ZStatement = z
  .object({
    customer: z.object({ accountNumber: z.string(), name: z.string() }),
    from: ZDate,
    to: ZDate,
    currencies: z.array(z.string()),
    opening: z.array(ZCurrencyAmount),
    closing: z.array(ZCurrencyAmount),
    lines: z.array(
      z.object({
        date: ZDate,
        type: z.string(),
        document: z.string(),
        reference: z.string().nullable(),
        currency: z.string(),
        amount: ZAmount.openapi({ description: 'positive: a charge; negative: a payment or credit' }),
        balance: ZAmount,
      }),
    ),
    openItems: z.array(
      z.object({
        number: z.string(),
        type: z.string(),
        issueDate: ZDate,
        dueDate: ZDate,
        currency: z.string(),
        amount: ZAmount,
        open: ZAmount,
        daysPastDue: z.number().int(),
      }),
    ),
    unapplied: z.array(ZCurrencyAmount),
    buckets: z.array(ZBucket),
    aging: z.array(z.object({ currency: z.string(), buckets: z.array(ZAmount) })),
  })
  .openapi('Statement');

const ZReconcilingItem = z.object({
  category: z.string(),
  side: z.enum(['bank', 'book']),
  date: ZDate.nullable(),
  reference: z.string().nullable(),
  bankAccount: z.string().nullable(),
  description: z.string(),
  count: z.number().int(),
  amount: ZAmount.openapi({ description: 'signed as money into the bank account' }),
  ageDays: z.number().int().nullable(),
  sourceId: z.string().nullable(),
  note: z.string().nullable(),
});

const ZBankReconciliation = z
  .object({
    asOf: ZDate,
    windowDays: z.number().int(),
    groups: z.array(
      z.object({
        entity: z.string(),
        currency: z.string(),
        status: z.enum(['reconciled', 'unexplained_difference', 'bank_balance_unknown']),
        explanation: z.string(),
        cashAccount: z.string().nullable(),
        cashBalance: ZAmount,
        otherAccounts: ZAmount,
        bookBalance: ZAmount,
        bankBalance: ZAmount.nullable(),
        statementsFrom: ZDate.nullable(),
        statementsTo: ZDate.nullable(),
        bankAccounts: z.array(
          z.object({
            account: z.string(),
            name: z.string().nullable(),
            balance: ZAmount.nullable(),
            balanceBasis: z.enum(['closing', 'derived', 'unknown']),
            opening: ZAmount.nullable(),
            openingBasis: z.enum(['stated', 'derived', 'unknown']),
            statementsUsed: z.number().int(),
            lastStatement: z
              .object({
                id: z.string(),
                format: z.string(),
                firstDate: ZDate.nullable(),
                lastDate: ZDate.nullable(),
                opening: ZAmount.nullable(),
                closing: ZAmount.nullable(),
              })
              .nullable(),
            breaks: z.array(
              z.object({
                statementId: z.string(),
                kind: z.enum(['opening', 'closing']),
                expected: ZAmount,
                stated: ZAmount,
                difference: ZAmount,
              }),
            ),
          }),
        ),
        matched: z.object({ count: z.number().int(), amount: ZAmount }),
        proof: z.object({
          bookBalance: ZAmount,
          lines: z.array(
            z.object({
              category: z.string(),
              label: z.string(),
              side: z.enum(['bank', 'book']),
              count: z.number().int(),
              total: ZAmount,
              effect: ZAmount,
            }),
          ),
          reconciledBankBalance: ZAmount.nullable(),
          bankBalance: ZAmount.nullable(),
          difference: ZAmount.nullable(),
        }),
        items: z.array(ZReconcilingItem),
        proposals: z.array(
          z.object({
            kind: z.enum(['unbooked', 'booked_twice']),
            daysApart: z.number().int(),
            book: ZReconcilingItem,
            bank: ZReconcilingItem,
          }),
        ),
        notes: z.array(z.string()),
      }),
    ),
  })
  .openapi('BankReconciliation');

const ZCheckReport = z
  .object({
    ok: z.boolean().openapi({ description: 'every invariant holds' }),
    seconds: z.number(),
    checks: z.array(
      z.object({
        name: z.string(),
        description: z.string(),
        ok: z.boolean(),
        examined: z.string(),
        failureCount: z.number().int(),
        failures: z.array(z.string()).openapi({ description: 'up to 20 examples' }),
      }),
    ),
  })
  .openapi('CheckReport');

const bucketView = (b: { key: string; label: string; minDays: number | null; maxDays: number | null }) => ({
  key: b.key,
  label: b.label,
  minDays: b.minDays,
  maxDays: b.maxDays,
});

const agingAmounts = (r: AgingRow) => {
  const f = (v: bigint) => amount(v, r.currency);
  return {
    currency: r.currency,
    buckets: r.buckets.map(f),
    credits: f(r.credits),
    balance: f(r.balance),
    unapplied: f(r.unapplied),
    net: f(r.net),
  };
};

/** Rows are sorted by (account number, currency) in code-unit order, as buildAgingReport sorts them. */
const afterKey = (r: AgingRow, key: readonly [string, string]) =>
  r.accountNumber > key[0] || (r.accountNumber === key[0] && r.currency > key[1]);

function agingCursor(cursor: string | undefined): [string, string] | undefined {
  const key = decodeCursor(cursor);
  if (key === null) return undefined;
  const [account, currency] = key;
  if (key.length !== 2 || typeof account !== 'string' || typeof currency !== 'string')
    throw apiError('api.invalid_cursor', 'the cursor is not one this API gave out');
  return [account, currency];
}

const reconcilingItemView = (currency: CurrencyCode) => (i: ReconcilingItem) => ({
  category: i.category,
  side: i.side,
  date: i.date,
  reference: i.reference,
  bankAccount: i.bankAccount,
  description: i.description,
  count: i.count,
  amount: amount(i.amountMinor, currency),
  ageDays: i.ageDays,
  sourceId: i.sourceId,
  note: i.note,
});

export const reportRoutes = [
  defineRoute({
    permission: 'reports:read',
    route: createRoute({
      method: 'get',
      path: '/api/reports/aging',
      tags: ['reports'],
      summary: 'Aged open items per customer (or per top-level parent), with totals per currency',
      description:
        'As `arbor report aging`. Every row unless `limit` is given; then rows come a page at a time (cursor) and the totals stay those of the whole report. ' +
        'A portfolio-scoped analyst sees only their customers (by customer, or rolled up by parent over those customers alone), and totals over those rows.',
      request: {
        query: z.object({
          asOf: ZDay.optional().openapi({ description: 'default: today' }),
          basis: z.enum(['due', 'issue']).default('due'),
          by: z.enum(['customer', 'parent']).default('customer'),
          entity: z
            .string()
            .max(40)
            .optional()
            .openapi({ description: 'entity code; every entity when absent' }),
          buckets: z
            .string()
            .max(100)
            .optional()
            .openapi({ description: 'increasing day boundaries', example: '30,60,90,120' }),
          fromLedger: z
            .enum(['true', 'false'])
            .optional()
            .openapi({ description: 'rebuild from the journal even when current open amounts would do' }),
          cursor: z.string().max(512).optional(),
          limit: z.coerce.number().int().min(1).max(5000).optional(),
        }),
      },
      responses: { 200: jsonContent(ZAgingReport, 'the aging'), ...ERRORS },
    }),
    async handler(c, { query }, ctx) {
      let boundaries = DEFAULT_BOUNDARIES;
      if (query.buckets !== undefined) {
        try {
          boundaries = parseBoundaries(query.buckets);
        } catch (e) {
          throw apiError('api.invalid_request', `buckets: ${(e as Error).message}`, {
            issues: [{ column: 'buckets', message: (e as Error).message }],
          });
        }
      }
      const principal = c.get('principal');
      // A portfolio-scoped analyst's aging is built from their customers only, so a parent's row (by
      // parent) sums only those of its customers they work, and the totals are over those rows.
      const portfolio = portfolioOf(principal);
      const after = agingCursor(query.cursor);
      const report = await buildAgingReport(ctx, {
        ...(query.asOf ? { asOf: query.asOf as LocalDate } : {}),
        basis: query.basis,
        by: query.by,
        boundaries,
        fromLedger: query.fromLedger === 'true',
        ...(query.entity !== undefined ? { entity: query.entity } : {}),
        ...(portfolio !== undefined ? { collector: portfolio } : {}),
      });
      const profiles = await findCustomerProfiles(
        ctx.database.db,
        ctx.tenantId,
        report.rows.flatMap((r) => (r.customerId ? [r.customerId] : [])),
      );
      const rows = report.rows;
      const totals = [...report.totals.values()];
      const unidentified = [...report.unidentified];
      let pageRows = after ? rows.filter((r) => afterKey(r, after)) : rows;
      let nextCursor: string | null = null;
      if (query.limit !== undefined && pageRows.length > query.limit) {
        pageRows = pageRows.slice(0, query.limit);
        const last = pageRows[pageRows.length - 1];
        if (last) nextCursor = encodeCursor([last.accountNumber, last.currency]);
      }
      const isConsumer = (r: AgingRow) =>
        r.customerId !== null && profiles.get(r.customerId)?.customerType === 'consumer';
      const phi = canReadPhi(principal);
      await logPhiReads(ctx, principal, 'customer', [
        ...new Set(pageRows.filter(isConsumer).map((r) => r.customerId as string)),
      ]);
      return json(c, {
        asOf: report.asOf,
        basis: report.basis,
        by: report.by,
        source: report.source,
        buckets: report.buckets.map(bucketView),
        rows: pageRows.map((r) => ({
          accountNumber: r.accountNumber,
          name: isConsumer(r) && !phi ? (maskText(r.name) ?? '') : r.name,
          parentAccountNumber: r.parentAccountNumber,
          customers: r.customers,
          ...agingAmounts(r),
        })),
        unidentified: unidentified.map(([currency, v]) => ({ currency, unapplied: amount(v, currency) })),
        totals: totals.map((t) => ({ accounts: t.customers, ...agingAmounts(t) })),
        nextCursor,
      });
    },
  }),
  defineRoute({
    permission: 'reports:read',
    route: createRoute({
      method: 'get',
      path: '/api/reports/statement/{account}',
      tags: ['reports'],
      summary: "A customer's statement of account for a period, with the items open at its end",
      description: 'As `arbor report statement`. Default period: the 90 days to today.',
      request: {
        params: z.object({ account: z.string().min(1).max(100) }),
        query: z.object({ from: ZDay.optional(), to: ZDay.optional() }),
      },
      responses: { 200: jsonContent(ZStatement, 'the statement'), ...ERRORS },
    }),
    async handler(c, { params, query }, ctx) {
      const principal = c.get('principal');
      const [customer] = await findCustomersPage(ctx.database.db, ctx.tenantId, {
        exactAccount: params.account,
        portfolioOf: portfolioOf(principal),
        limit: 1,
      });
      if (!customer) throw apiError('api.not_found', `no customer ${params.account}`);
      const fallback = defaultStatementRange(ctx.clock.today());
      const from = (query.from as LocalDate | undefined) ?? fallback.from;
      const to = (query.to as LocalDate | undefined) ?? fallback.to;
      if (from > to)
        throw apiError('api.invalid_request', `from ${from} is after to ${to}`, {
          issues: [{ column: 'from', message: `after to (${to})` }],
        });
      const s = await buildStatement(ctx, customer.account_number, { from, to });
      const consumer = customer.customer_type === 'consumer';
      const phi = canReadPhi(principal);
      if (consumer) await logPhiReads(ctx, principal, 'customer', [customer.id]);
      const perCurrency = (m: Map<CurrencyCode, bigint>) =>
        [...m].map(([currency, v]) => ({ currency, amount: amount(v, currency) }));
      return json(c, {
        customer: {
          accountNumber: s.customer.accountNumber,
          name: consumer && !phi ? (maskText(s.customer.name) ?? '') : s.customer.name,
        },
        from: s.from,
        to: s.to,
        currencies: s.currencies,
        opening: perCurrency(s.opening),
        closing: perCurrency(s.closing),
        lines: s.lines.map((l) => ({
          date: l.date,
          type: l.type,
          document: l.document,
          reference: l.reference,
          currency: l.currency,
          amount: amount(l.amount, l.currency),
          balance: amount(l.balance, l.currency),
        })),
        openItems: s.openItems.map((o) => ({
          number: o.number,
          type: o.type,
          issueDate: o.issueDate,
          dueDate: o.dueDate,
          currency: o.currency,
          amount: amount(o.amount, o.currency),
          open: amount(o.open, o.currency),
          daysPastDue: o.daysPastDue,
        })),
        unapplied: perCurrency(s.unapplied),
        buckets: s.buckets.map(bucketView),
        aging: [...s.aging].map(([currency, b]) => ({
          currency,
          buckets: b.map((v) => amount(v, currency)),
        })),
      });
    },
  }),
  defineRoute({
    permission: 'reports:read',
    route: createRoute({
      method: 'get',
      path: '/api/reports/bank-reconciliation',
      tags: ['reports'],
      summary:
        'Bank to book: the statement balance, reconciling items and the proof, per entity and currency',
      description: 'As `arbor report bank-reconciliation`.',
      request: {
        query: z.object({
          asOf: ZDay.optional().openapi({ description: 'default: today' }),
          entity: z.string().max(40).optional(),
          account: z
            .string()
            .max(100)
            .optional()
            .openapi({ description: 'one bank account, as the bank files name it' }),
          window: z.coerce
            .number()
            .int()
            .min(0)
            .max(366)
            .optional()
            .openapi({ description: 'days either side for proposed matches (default 5)' }),
        }),
      },
      responses: { 200: jsonContent(ZBankReconciliation, 'the reconciliation'), ...ERRORS },
    }),
    async handler(c, { query }, ctx) {
      const report = await buildBankReconciliation(ctx, {
        ...(query.asOf ? { asOf: query.asOf as LocalDate } : {}),
        ...(query.entity !== undefined ? { entity: query.entity } : {}),
        ...(query.account !== undefined ? { bankAccount: query.account } : {}),
        ...(query.window !== undefined ? { windowDays: query.window } : {}),
      });
      return json(c, {
        asOf: report.asOf,
        windowDays: report.windowDays,
        groups: report.groups.map((g) => {
          const f = (v: bigint) => amount(v, g.currency);
          const fn = (v: bigint | null) => (v === null ? null : f(v));
          const item = reconcilingItemView(g.currency);
          return {
            entity: g.entity,
            currency: g.currency,
            status: g.proof.status,
            explanation: g.explanation,
            cashAccount: g.cashAccount,
            cashBalance: f(g.cashBalanceMinor),
            otherAccounts: f(g.otherAccountsMinor),
            bookBalance: f(g.bookBalanceMinor),
            bankBalance: fn(g.bankBalanceMinor),
            statementsFrom: g.statementsFrom,
            statementsTo: g.statementsTo,
            bankAccounts: g.accounts.map((a) => ({
              account: a.account,
              name: a.name,
              balance: fn(a.chain.balanceMinor),
              balanceBasis: a.chain.balanceBasis,
              opening: fn(a.chain.openingMinor),
              openingBasis: a.chain.openingBasis,
              statementsUsed: a.chain.statements.length,
              lastStatement: a.chain.last
                ? {
                    id: a.chain.last.id,
                    format: a.chain.last.format,
                    firstDate: a.chain.last.firstDate,
                    lastDate: a.chain.last.lastDate,
                    opening: fn(a.chain.last.openingMinor),
                    closing: fn(a.chain.last.closingMinor),
                  }
                : null,
              breaks: a.chain.breaks.map((b) => ({
                statementId: b.statementId,
                kind: b.kind,
                expected: f(b.expectedMinor),
                stated: f(b.statedMinor),
                difference: f(b.differenceMinor),
              })),
            })),
            matched: { count: g.matched.count, amount: f(g.matched.amountMinor) },
            proof: {
              bookBalance: f(g.proof.bookBalanceMinor),
              lines: g.proof.lines.map((l) => ({
                category: l.category,
                label: BANK_RECONCILIATION_LABELS[l.category],
                side: l.side,
                count: l.count,
                total: f(l.totalMinor),
                effect: f(l.effectMinor),
              })),
              reconciledBankBalance: fn(g.proof.reconciledMinor),
              bankBalance: fn(g.proof.bankBalanceMinor),
              difference: fn(g.proof.differenceMinor),
            },
            items: g.items.map(item),
            proposals: g.proposals.map((p) => ({
              kind: p.kind,
              daysApart: p.daysApart,
              book: item(p.book),
              bank: item(p.bank),
            })),
            notes: [...g.notes],
          };
        }),
      });
    },
  }),
  defineRoute({
    permission: 'check:run',
    route: createRoute({
      method: 'get',
      path: '/api/check',
      tags: ['reports'],
      summary: 'Verify every ledger invariant (as `arbor check`)',
      description:
        'Always 200 when the checks ran: `ok` says whether every invariant holds, each failed check names its failures.',
      responses: { 200: jsonContent(ZCheckReport, 'the checks'), ...ERRORS },
    }),
    async handler(c, _input, ctx) {
      const started = performance.now();
      const results = await checkLedger(ctx);
      const seconds = (performance.now() - started) / 1000;
      return json(c, {
        ok: results.every((r) => r.ok),
        seconds: Number(seconds.toFixed(3)),
        checks: results.map((r) => ({
          name: r.name,
          description: r.description,
          ok: r.ok,
          examined: r.examined,
          failureCount: r.failureCount,
          failures: [...r.failures],
        })),
      });
    },
  }),
];
