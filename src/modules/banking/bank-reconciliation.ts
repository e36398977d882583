import { sql } from 'kysely';
import type { Executor, ServiceContext } from '../../core/context.ts';
import type { CurrencyCode } from '../../core/currency.ts';
import { diffDays, type LocalDate } from '../../core/local-date.ts';
import { formatAmount } from '../../core/money.ts';
import { anyText } from '../../db/bulk.ts';
import { normalizeBankAccount } from '../parties/index.ts';
import { findEntities, findEntityByCode, tenancyError } from '../tenancy/index.ts';
import { bankingError } from './banking.errors.ts';
import {
  type AccountChain,
  type BankLine,
  type BookKind,
  type BookLine,
  bankCategory,
  bookCategory,
  buildProof,
  CATEGORY_LABELS,
  chainStatements,
  matchBankToBook,
  type Proof,
  type Proposal,
  proposeMatches,
  type ReconcilingCategory,
  type StatementFacts,
} from './logic/reconcile.ts';

export interface BankReconciliationOptions {
  /** Default: today. */
  readonly asOf?: LocalDate;
  /** Entity code; every entity when absent. */
  readonly entity?: string;
  /** One bank account, as the bank's files name it; every account of the entity when absent. */
  readonly bankAccount?: string;
  /** Days either side of a book item's date in which a bank transaction of the same amount is proposed as its match. */
  readonly windowDays?: number;
}

export const DEFAULT_MATCH_WINDOW_DAYS = 5;

export interface ReconciledBankAccount {
  readonly id: string;
  readonly account: string;
  readonly name: string | null;
  readonly chain: AccountChain;
}

export interface ReconcilingItem {
  readonly category: ReconcilingCategory;
  readonly side: 'bank' | 'book';
  readonly date: LocalDate | null;
  /** Signed as money into the bank account. */
  readonly amountMinor: bigint;
  /** How many postings the line stands for (the postings before the statements are one line). */
  readonly count: number;
  readonly reference: string | null;
  readonly description: string;
  /** The bank account of a bank item. */
  readonly bankAccount: string | null;
  /** `bank_transactions.id` of a bank item, `journal_entries.id` of a book item. */
  readonly sourceId: string | null;
  /** asOf − date. */
  readonly ageDays: number | null;
  /** A later statement that shows it, or the proposed match. */
  readonly note: string | null;
}

export interface ProposedMatch extends Proposal {
  readonly book: ReconcilingItem;
  readonly bank: ReconcilingItem;
}

export interface ReconciliationGroup {
  readonly entity: string;
  readonly entityId: string;
  readonly currency: CurrencyCode;
  /** The entity's cash account (chart code), null when it has none. */
  readonly cashAccount: string | null;
  /** The cash account's balance from the journal, entries dated on or before the as-of date. */
  readonly cashBalanceMinor: bigint;
  /** With one bank account chosen: cash booked from the statements of the entity's other accounts. */
  readonly otherAccountsMinor: bigint;
  /** cashBalance − otherAccounts: the book side of the proof. */
  readonly bookBalanceMinor: bigint;
  readonly accounts: readonly ReconciledBankAccount[];
  readonly bankBalanceMinor: bigint | null;
  /** The first transaction date of the earliest statement used: book items before it are in its opening balance. */
  readonly statementsFrom: LocalDate | null;
  /** The latest statement date used. */
  readonly statementsTo: LocalDate | null;
  /** Bank transactions matched to their bookings (count, signed sum). */
  readonly matched: { readonly count: number; readonly amountMinor: bigint };
  readonly items: readonly ReconcilingItem[];
  readonly proposals: readonly ProposedMatch[];
  readonly proof: Proof;
  /** Why the balances are what they are, and what the difference (if any) comes from. */
  readonly notes: readonly string[];
  readonly explanation: string;
}

export interface BankReconciliation {
  readonly asOf: LocalDate;
  readonly windowDays: number;
  readonly groups: readonly ReconciliationGroup[];
}

interface AccountRow {
  id: string;
  entity_id: string;
  account: string;
  currency: string;
  name: string | null;
}

/** A pending or information-only entry: the import keeps it, the bank has not booked it. */
const PENDING = sql<boolean>`(disposition = 'other' and coalesce(note, '') like '%not booked by the bank yet')`;

/**
 * The bank reconciliation (issue 4, item 6), per entity and currency: the bank balance (the closing
 * balance of each bank account's last statement on or before the as-of date, or derived from the last
 * stated balance plus movements), the book balance (the cash account from the journal), the bank
 * transactions matched to their bookings, the reconciling items on each side, proposed matches for
 * items that are probably the same money, and the proof from book to bank with what it leaves
 * unexplained.
 *
 * Read-only, in one repeatable-read snapshot so the statements and the journal cannot straddle an import.
 */
export async function buildBankReconciliation(
  ctx: ServiceContext,
  options: BankReconciliationOptions = {},
): Promise<BankReconciliation> {
  const asOf = options.asOf ?? ctx.clock.today();
  const windowDays = options.windowDays ?? DEFAULT_MATCH_WINDOW_DAYS;
  if (!Number.isInteger(windowDays) || windowDays < 0)
    throw bankingError(
      'banking.invalid_entry',
      `the match window must be a whole number of days ≥ 0, not ${windowDays}`,
    );
  const { tenantId } = ctx;
  return ctx.database.db
    .transaction()
    .setIsolationLevel('repeatable read')
    .execute(async (tx) => {
      let entityId: string | null = null;
      if (options.entity !== undefined) {
        const entity = await findEntityByCode(tx, tenantId, options.entity);
        if (!entity) throw tenancyError('tenancy.entity_not_found', `unknown entity "${options.entity}"`);
        entityId = entity.id;
      }
      const entityCodes = new Map((await findEntities(tx, tenantId)).map((e) => [e.id, e.code]));

      let accountQuery = tx
        .selectFrom('bank_accounts')
        .select(['id', 'entity_id', 'account', 'currency', 'name'])
        .where('tenant_id', '=', tenantId)
        .orderBy('account')
        .orderBy('currency');
      if (entityId !== null) accountQuery = accountQuery.where('entity_id', '=', entityId);
      const allAccounts: AccountRow[] = await accountQuery.execute();
      let accounts = allAccounts;
      if (options.bankAccount !== undefined) {
        const wanted = normalizeBankAccount(options.bankAccount);
        accounts = allAccounts.filter((a) => a.account === wanted);
        if (accounts.length === 0)
          throw bankingError(
            'banking.unknown_bank_account',
            `no bank account ${options.bankAccount}${options.entity ? ` of entity ${options.entity}` : ''}; see arbor bank-account list`,
          );
      }

      // The groups: every (entity, currency) with a bank account or a cash balance.
      const cashGroups = await sql<{ entity_id: string; currency: string }>`
        select distinct l.entity_id, l.currency
        from journal_lines l
        join gl_accounts a on a.tenant_id = l.tenant_id and a.id = l.account_id and a.role = 'cash'
        where l.tenant_id = ${tenantId} and l.entry_date <= ${asOf}::date
          ${entityId ? sql`and l.entity_id = ${entityId}` : sql``}`.execute(tx);
      const groupKeys = new Map<string, { entityId: string; currency: string }>();
      for (const a of accounts)
        groupKeys.set(`${a.entity_id}|${a.currency}`, { entityId: a.entity_id, currency: a.currency });
      if (options.bankAccount === undefined)
        for (const g of cashGroups.rows)
          groupKeys.set(`${g.entity_id}|${g.currency}`, { entityId: g.entity_id, currency: g.currency });

      const groups: ReconciliationGroup[] = [];
      for (const g of groupKeys.values()) {
        const groupAccounts = accounts.filter((a) => a.entity_id === g.entityId && a.currency === g.currency);
        const others = allAccounts.filter(
          (a) => a.entity_id === g.entityId && a.currency === g.currency && !groupAccounts.includes(a),
        );
        groups.push(
          await reconcileGroup(tx, tenantId, {
            asOf,
            windowDays,
            entityId: g.entityId,
            entityCode: entityCodes.get(g.entityId) ?? g.entityId,
            currency: g.currency as CurrencyCode,
            accounts: groupAccounts,
            excludedAccounts: options.bankAccount === undefined ? [] : others,
          }),
        );
      }
      groups.sort((a, b) =>
        a.entity < b.entity ? -1 : a.entity > b.entity ? 1 : a.currency < b.currency ? -1 : 1,
      );
      return { asOf, windowDays, groups };
    });
}

async function reconcileGroup(
  tx: Executor,
  tenantId: number,
  g: {
    asOf: LocalDate;
    windowDays: number;
    entityId: string;
    entityCode: string;
    currency: CurrencyCode;
    accounts: readonly AccountRow[];
    excludedAccounts: readonly AccountRow[];
  },
): Promise<ReconciliationGroup> {
  const { asOf, currency } = g;
  const fmt = (v: bigint) => formatAmount(v, currency);
  const accountIds = g.accounts.map((a) => a.id);
  const accountName = new Map(g.accounts.map((a) => [a.id, a.account]));
  const notes: string[] = [];

  // --- the bank side: statements, their balances, their transactions -------------------------------
  const statementRows =
    accountIds.length === 0
      ? []
      : await tx
          .selectFrom('bank_statements')
          .select([
            'id',
            'bank_account_id',
            'format',
            'opening_minor',
            'closing_minor',
            'first_date',
            'last_date',
          ])
          .where('tenant_id', '=', tenantId)
          .where('bank_account_id', '=', anyText(accountIds))
          .orderBy('created_at')
          .orderBy('import_id')
          .orderBy('sequence')
          .execute();
  const movementRows =
    accountIds.length === 0
      ? []
      : (
          await sql<{
            statement_id: string;
            movement: bigint;
            new_movement: bigint;
            duplicates: number;
            pending: number;
          }>`
            select statement_id,
              coalesce(sum(case when direction = 'credit' then amount_minor else -amount_minor end)
                filter (where not ${PENDING}), 0)::bigint as movement,
              coalesce(sum(case when direction = 'credit' then amount_minor else -amount_minor end)
                filter (where not ${PENDING} and disposition <> 'duplicate'), 0)::bigint as new_movement,
              (count(*) filter (where disposition = 'duplicate'))::int as duplicates,
              (count(*) filter (where ${PENDING}))::int as pending
            from bank_transactions
            where tenant_id = ${tenantId} and bank_account_id = ${anyText(accountIds)}
            group by statement_id`.execute(tx)
        ).rows;
  const movements = new Map(movementRows.map((m) => [m.statement_id, m]));
  const facts: StatementFacts[] = statementRows.map((s) => ({
    id: s.id,
    bankAccountId: s.bank_account_id,
    format: s.format,
    openingMinor: s.opening_minor,
    closingMinor: s.closing_minor,
    firstDate: s.first_date as LocalDate | null,
    lastDate: s.last_date as LocalDate | null,
    movementMinor: movements.get(s.id)?.movement ?? 0n,
    newMovementMinor: movements.get(s.id)?.new_movement ?? 0n,
  }));
  const reconciled: ReconciledBankAccount[] = g.accounts.map((a) => ({
    id: a.id,
    account: a.account,
    name: a.name,
    chain: chainStatements(a.id, facts, asOf),
  }));
  const chainIds = reconciled.flatMap((a) => a.chain.statements.map((s) => s.id));
  const usedIds = new Set(chainIds);
  const laterIds = facts
    .filter((s) => !usedIds.has(s.id) && s.lastDate !== null && s.lastDate > asOf)
    .map((s) => s.id);
  let duplicates = 0;
  let pending = 0;
  for (const id of chainIds) {
    duplicates += movements.get(id)?.duplicates ?? 0;
    pending += movements.get(id)?.pending ?? 0;
  }

  const bankRows = async (statementIds: string[], onlyLinked: boolean) => {
    if (statementIds.length === 0) return [];
    let q = tx
      .selectFrom('bank_transactions')
      .select([
        'id',
        'bank_account_id',
        'statement_id',
        'booking_date',
        'direction',
        'amount_minor',
        'disposition',
        'receipt_id',
        'reference',
        'counterparty_name',
        'remittance_text',
        'type_code',
        'note',
      ])
      .where('tenant_id', '=', tenantId)
      .where('statement_id', '=', anyText(statementIds))
      .where('disposition', '<>', 'duplicate')
      .where(sql<boolean>`not ${PENDING}`)
      .orderBy('booking_date')
      .orderBy('id');
    if (onlyLinked) q = q.where('receipt_id', 'is not', null);
    return (await q.execute()).map(
      (t): BankLine => ({
        id: t.id,
        bankAccountId: t.bank_account_id,
        statementId: t.statement_id,
        date: t.booking_date as LocalDate,
        amountMinor: t.direction === 'credit' ? t.amount_minor : -t.amount_minor,
        disposition: t.disposition as BankLine['disposition'],
        receiptId: t.receipt_id,
        reference: t.reference,
        counterparty: t.counterparty_name,
        text: t.remittance_text,
        typeCode: t.type_code,
        note: t.note,
      }),
    );
  };
  const bank = await bankRows(chainIds, false);
  const laterBank = await bankRows(laterIds, true);

  // --- the book side: the cash account --------------------------------------------------------------
  const firstDates = reconciled.map((a) => a.chain.firstDate).filter((d): d is LocalDate => d !== null);
  const statementsFrom = firstDates.length === 0 ? null : firstDates.reduce((m, d) => (d < m ? d : m));
  const lastDates = reconciled
    .map((a) => a.chain.last?.lastDate ?? null)
    .filter((d): d is LocalDate => d !== null);
  const statementsTo = lastDates.length === 0 ? null : lastDates.reduce((m, d) => (d > m ? d : m));
  const excluded = g.excludedAccounts.map((a) => a.id);
  const isExcluded =
    excluded.length === 0
      ? sql<boolean>`false`
      : sql<boolean>`coalesce(r.bank_account_id = ${anyText(excluded)}, false)`;
  // Cash lines of the group as of the date, with their receipt (for the source and the bank account)
  // and, for the listed lines only, their entry (for the kind of posting).
  const cashLines = (withEntry: boolean) => sql`
    from journal_lines l
    join gl_accounts a on a.tenant_id = l.tenant_id and a.id = l.account_id and a.role = 'cash'
    ${withEntry ? sql`join journal_entries e on e.tenant_id = l.tenant_id and e.id = l.entry_id` : sql``}
    left join receipts r on r.tenant_id = l.tenant_id and r.id = l.receipt_id
    where l.tenant_id = ${tenantId} and l.entity_id = ${g.entityId} and l.currency = ${currency}
      and l.entry_date <= ${asOf}::date`;
  const before =
    statementsFrom === null ? sql<boolean>`true` : sql<boolean>`l.entry_date < ${statementsFrom}::date`;
  const totals = (
    await sql<{
      cash: bigint;
      other_accounts: bigint;
      before_sum: bigint;
      before_count: number;
      before_first: string | null;
      before_last: string | null;
    }>`
      select coalesce(sum(l.amount_minor), 0)::bigint as cash,
        coalesce(sum(l.amount_minor) filter (where ${isExcluded}), 0)::bigint as other_accounts,
        coalesce(sum(l.amount_minor) filter (where not ${isExcluded} and ${before}), 0)::bigint as before_sum,
        (count(*) filter (where not ${isExcluded} and ${before}))::int as before_count,
        min(l.entry_date) filter (where not ${isExcluded} and ${before}) as before_first,
        max(l.entry_date) filter (where not ${isExcluded} and ${before}) as before_last
      ${cashLines(false)}`.execute(tx)
  ).rows[0] as {
    cash: bigint;
    other_accounts: bigint;
    before_sum: bigint;
    before_count: number;
    before_first: string | null;
    before_last: string | null;
  };
  const book: BookLine[] =
    statementsFrom === null
      ? []
      : (
          await sql<{
            entry_id: string;
            line_no: number;
            entry_date: string;
            amount_minor: bigint;
            receipt_id: string | null;
            source_type: string;
            reversal_of: string | null;
            description: string | null;
            reference: string | null;
            source: string | null;
          }>`
            select l.entry_id, l.line_no, l.entry_date, l.amount_minor, l.receipt_id, e.source_type, e.reversal_of,
              e.description, r.reference, r.source
            ${cashLines(true)}
              and l.entry_date >= ${statementsFrom}::date and not ${isExcluded}
            order by l.entry_date, l.entry_id, l.line_no`.execute(tx)
        ).rows.map(
          (l): BookLine => ({
            key: `${l.entry_id}:${l.line_no}`,
            entryId: l.entry_id,
            date: l.entry_date as LocalDate,
            amountMinor: BigInt(l.amount_minor),
            kind: bookKindOf(l.source_type, l.reversal_of),
            receiptId: l.receipt_id,
            reference: l.reference,
            description: l.description,
            receiptSource: l.source,
          }),
        );
  const cashAccount =
    (
      await tx
        .selectFrom('gl_accounts')
        .select('code')
        .where('tenant_id', '=', tenantId)
        .where('entity_id', '=', g.entityId)
        .where('role', '=', 'cash')
        .executeTakeFirst()
    )?.code ?? null;

  // --- matching, reconciling items, proposals -------------------------------------------------------
  const { matched, bookOnly, bankOnly } = matchBankToBook(book, bank);
  const clearedLater = new Map(matchBankToBook(bookOnly, laterBank).matched.map((m) => [m.book.key, m.bank]));
  const open = bookOnly.filter((b) => !clearedLater.has(b.key));
  const proposals = proposeMatches(
    open,
    bankOnly,
    matched.map((m) => m.bank),
    g.windowDays,
  );
  const receiptRefOfBank = new Map(matched.map((m) => [m.bank.id, m.book.reference]));
  const bankById = new Map([...bank].map((t) => [t.id, t]));
  const bookByKey = new Map(bookOnly.map((b) => [b.key, b]));
  const bookNote = new Map<string, string>();
  const bankNote = new Map<string, string>();
  for (const p of proposals) {
    const t = bankById.get(p.bankId) as BankLine;
    const b = bookByKey.get(p.bookKey) as BookLine;
    if (p.kind === 'unbooked') {
      bookNote.set(
        b.key,
        `proposed match: bank ${t.amountMinor >= 0n ? 'credit' : 'debit'} ${t.reference ?? t.id} of ${t.date} on ${accountName.get(t.bankAccountId) ?? '?'} (${daysText(p.daysApart)})`,
      );
      bankNote.set(
        t.id,
        `proposed match: ${b.reference ? `receipt ${b.reference}` : (b.description ?? b.entryId)} booked ${b.date}`,
      );
    } else {
      bookNote.set(
        b.key,
        `possibly booked twice: bank credit ${t.reference ?? t.id} of ${t.date} is already booked as receipt ${receiptRefOfBank.get(t.id) ?? t.receiptId ?? '?'}`,
      );
    }
  }
  for (const [key, t] of clearedLater)
    bookNote.set(key, `on the bank ${t.date}, on a statement after ${statementsTo ?? asOf}`);

  const bankItem = (t: BankLine): ReconcilingItem => ({
    category: bankCategory(t),
    side: 'bank',
    date: t.date,
    amountMinor: t.amountMinor,
    count: 1,
    reference: t.reference,
    description:
      [t.counterparty, t.text].filter((x) => x !== null && x !== '').join(': ') ||
      `bank ${t.amountMinor >= 0n ? 'credit' : 'debit'}${t.typeCode ? ` ${t.typeCode}` : ''}`,
    bankAccount: accountName.get(t.bankAccountId) ?? null,
    sourceId: t.id,
    ageDays: diffDays(asOf, t.date),
    note:
      [bankNote.get(t.id), t.disposition === 'return' ? t.note : null].filter((x) => x).join('; ') || null,
  });
  const bookItem = (b: BookLine): ReconcilingItem => ({
    category: bookCategory(b),
    side: 'book',
    date: b.date,
    amountMinor: b.amountMinor,
    count: 1,
    reference: b.reference,
    description: `${b.description ?? b.entryId}${b.receiptSource && b.kind === 'receipt' ? ` (${b.receiptSource})` : ''}`,
    bankAccount: null,
    sourceId: b.entryId,
    ageDays: diffDays(asOf, b.date),
    note: bookNote.get(b.key) ?? null,
  });
  const items: ReconcilingItem[] = [];
  const itemOfBank = new Map<string, ReconcilingItem>();
  const itemOfBook = new Map<string, ReconcilingItem>();
  for (const t of bankOnly) {
    const item = bankItem(t);
    itemOfBank.set(t.id, item);
    items.push(item);
  }
  if (totals.before_count > 0) {
    items.push({
      category: 'book_before_statements',
      side: 'book',
      date: null,
      amountMinor: totals.before_sum,
      count: totals.before_count,
      reference: null,
      description:
        statementsFrom === null
          ? `${totals.before_count} cash posting(s) from ${totals.before_first} to ${totals.before_last}; no statement on file to compare them with`
          : `${totals.before_count} cash posting(s) from ${totals.before_first} to ${totals.before_last}, before the first statement transaction on ${statementsFrom}`,
      bankAccount: null,
      sourceId: null,
      ageDays: null,
      note: null,
    });
  }
  for (const b of bookOnly) {
    const item = bookItem(b);
    itemOfBook.set(b.key, item);
    items.push(item);
  }
  const order: ReconcilingCategory[] = Object.keys(CATEGORY_LABELS) as ReconcilingCategory[];
  items.sort(
    (x, y) =>
      order.indexOf(x.category) - order.indexOf(y.category) ||
      (x.date ?? '').localeCompare(y.date ?? '') ||
      (x.reference ?? '').localeCompare(y.reference ?? '') ||
      (x.sourceId ?? '').localeCompare(y.sourceId ?? ''),
  );
  const proposed: ProposedMatch[] = proposals.map((p) => ({
    ...p,
    book: itemOfBook.get(p.bookKey) as ReconcilingItem,
    bank:
      p.kind === 'unbooked'
        ? (itemOfBank.get(p.bankId) as ReconcilingItem)
        : {
            ...bankItem(bankById.get(p.bankId) as BankLine),
            note: `booked as receipt ${receiptRefOfBank.get(p.bankId) ?? '?'}`,
          },
  }));

  // --- balances and the proof -------------------------------------------------------------------------
  const sumOrNull = (values: (bigint | null)[]) =>
    values.length === 0 || values.some((v) => v === null)
      ? null
      : values.reduce((s: bigint, v) => s + (v as bigint), 0n);
  const bankBalanceMinor = sumOrNull(reconciled.map((a) => a.chain.balanceMinor));
  const openingMinor = sumOrNull(reconciled.map((a) => a.chain.openingMinor));
  const bookBalanceMinor = totals.cash - totals.other_accounts;
  const proof = buildProof({
    bookBalanceMinor,
    openingMinor,
    bankBalanceMinor,
    items: items.map((i) => ({ category: i.category, amountMinor: i.amountMinor, count: i.count })),
  });

  // --- what the figures rest on ---------------------------------------------------------------------
  if (g.accounts.length === 0)
    notes.push(
      `no bank account of ${g.entityCode} in ${currency} is on file: import a bank statement (arbor import bank) or register the account (arbor bank-account add)`,
    );
  for (const a of reconciled) {
    const c = a.chain;
    const s = c.last;
    if (s === null) {
      notes.push(`${a.account}: no statement on file that ends on or before ${asOf}; its balance is unknown`);
    } else if (c.balanceBasis === 'closing') {
      notes.push(
        `${a.account}: ${fmt(c.balanceMinor as bigint)}, the closing balance of statement ${s.id} (${s.format}, transactions ${s.firstDate} to ${s.lastDate})`,
      );
    } else if (c.balanceBasis === 'derived' && c.derivedFrom) {
      notes.push(
        `${a.account}: ${fmt(c.balanceMinor as bigint)}, derived: statement ${s.id} (${s.format}, to ${s.lastDate}) has no closing balance, so the ${c.derivedFrom.which} balance of statement ${c.derivedFrom.statementId} plus the transactions since`,
      );
    } else {
      notes.push(
        `${a.account}: the statements on file (last ${s.id}, ${s.format}, to ${s.lastDate}) carry no opening or closing balance; the bank balance is unknown`,
      );
    }
    if (c.openingMinor !== null && c.openingBasis === 'derived')
      notes.push(
        `${a.account}: the first statement ${c.statements[0]?.id} has no opening balance; ${fmt(c.openingMinor)} is derived from the first stated balance less the transactions before it`,
      );
    for (const b of c.breaks)
      notes.push(
        b.kind === 'opening'
          ? `${a.account}: statement ${b.statementId} opens at ${fmt(b.statedMinor)}, but the balance before it was ${fmt(b.expectedMinor)} (difference ${fmt(b.differenceMinor)}): is a statement missing?`
          : `${a.account}: statement ${b.statementId} closes at ${fmt(b.statedMinor)}, but its opening balance plus its transactions is ${fmt(b.expectedMinor)} (difference ${fmt(b.differenceMinor)})`,
      );
    if (c.undated > 0)
      notes.push(
        `${a.account}: ${c.undated} statement(s) without transactions carry no date and were not used`,
      );
  }
  if (duplicates > 0)
    notes.push(`${duplicates} bank transaction(s) repeating an earlier file were counted once`);
  if (pending > 0)
    notes.push(`${pending} pending or information-only bank entr(ies) left out: not booked by the bank`);
  if (g.excludedAccounts.length > 0)
    notes.push(
      `book balance: cash ${fmt(totals.cash)} less ${fmt(totals.other_accounts)} booked from the statements of ${g.excludedAccounts.map((a) => a.account).join(', ')}`,
    );
  const breaksTotal = reconciled.reduce(
    (s, a) => s + a.chain.breaks.reduce((t, b) => t + b.differenceMinor, 0n),
    0n,
  );
  let explanation: string;
  if (proof.status === 'reconciled') {
    explanation =
      'no unexplained difference: the reconciling items account for all of the difference between book and bank';
  } else if (proof.status === 'bank_balance_unknown') {
    explanation = 'the bank balance is unknown, so the proof cannot be completed (see the notes)';
  } else {
    const diff = proof.differenceMinor as bigint;
    explanation =
      breaksTotal === diff
        ? `unexplained difference ${fmt(diff)}: the statements on file do not follow on from each other (see the notes); import the missing statements`
        : breaksTotal !== 0n
          ? `unexplained difference ${fmt(diff)}: ${fmt(breaksTotal)} of it where the statements on file do not follow on (see the notes), ${fmt(diff - breaksTotal)} not explained by anything on file`
          : `unexplained difference ${fmt(diff)}: not explained by anything on file (a bank transaction booked for a different amount, or cash posted outside Arbor?)`;
  }
  const matchedSum = matched.reduce((s, m) => s + m.bank.amountMinor, 0n);
  return {
    entity: g.entityCode,
    entityId: g.entityId,
    currency,
    cashAccount,
    cashBalanceMinor: totals.cash,
    otherAccountsMinor: totals.other_accounts,
    bookBalanceMinor,
    accounts: reconciled,
    bankBalanceMinor,
    statementsFrom,
    statementsTo,
    matched: { count: matched.length, amountMinor: matchedSum },
    items,
    proposals: proposed,
    proof,
    notes,
    explanation,
  };
}

function bookKindOf(sourceType: string, reversalOf: string | null): BookKind {
  if (reversalOf !== null) return 'other';
  if (sourceType === 'receipt') return 'receipt';
  if (sourceType === 'receipt_return') return 'return';
  return 'other';
}

function daysText(days: number): string {
  if (days === 0) return 'same day';
  return days > 0 ? `${days} day(s) later` : `${-days} day(s) earlier`;
}
