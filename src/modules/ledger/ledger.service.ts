import { sql } from 'kysely';
import type { Executor, ServiceContext } from '../../core/context.ts';
import { newId } from '../../core/ids.ts';
import type { LocalDate } from '../../core/local-date.ts';
import { type PreparedInsert, runInserts } from '../../db/bulk.ts';
import { withDbErrors } from '../../db/db-errors.ts';
import { ledgerError } from './ledger.errors.ts';
import { findAccountBalances, findAccounts, findEntryWithLines, prepareEntries } from './ledger.repo.ts';
import { buildReversal } from './logic/build-reversal.ts';
import { ACCOUNT_ROLES, type AccountRole, DEFAULT_CHART } from './logic/chart.ts';
import { assertBalanced, type EntryDraft, type PostingLine } from './logic/journal-entry.ts';

export type LedgerService = ReturnType<typeof createLedgerService>;

/**
 * Complete charts read from the database, by tenant and entity, shared by every service of the
 * process: an account is never deleted (a trigger refuses it) and its id and role never change, and
 * entity ids are never reused, so a complete chart once read stays right. Each posting of a request
 * would otherwise read it again. Bounded: cleared when it holds this many.
 */
const charts = new Map<string, Map<AccountRole, string>>();
const MAX_CACHED_CHARTS = 10_000;

/** Entries checked and encoded by `prepare`, ready for `write`. */
export interface PreparedPosting {
  readonly entries: number;
  readonly inserts: readonly PreparedInsert[];
}

/**
 * The general ledger as the AR subledger sees it: a chart per entity, balanced entries that are
 * never changed (corrected by reversal), periods that can be locked.
 */
export function createLedgerService(ctx: ServiceContext) {
  const { tenantId } = ctx;

  async function chartFor(ex: Executor, entityId: string): Promise<Map<AccountRole, string>> {
    const key = `${tenantId}:${entityId}`;
    const cached = charts.get(key);
    if (cached) return cached;
    const rows = await findAccounts(ex, tenantId, entityId);
    const chart = new Map<AccountRole, string>();
    for (const r of rows) if (r.role) chart.set(r.role as AccountRole, r.id);
    const missing = ACCOUNT_ROLES.filter((role) => !chart.has(role));
    if (missing.length > 0) {
      throw ledgerError(
        'ledger.account_missing',
        `entity ${entityId} has no account for: ${missing.join(', ')}`,
      );
    }
    if (charts.size >= MAX_CACHED_CHARTS) charts.clear();
    charts.set(key, chart);
    return chart;
  }

  /**
   * The first half of `post`: checks that each entry balances per currency and encodes the
   * entries' rows, without writing them. A caller posting batch after batch prepares the next
   * batch while the database writes this one.
   */
  async function prepare(ex: Executor, entries: readonly EntryDraft[]): Promise<PreparedPosting> {
    if (entries.length === 0) return { entries: 0, inserts: [] };
    for (const entry of entries) assertBalanced(entry);
    const entityIds = [...new Set(entries.map((e) => e.entityId))];
    const resolved = new Map<string, Map<AccountRole, string>>();
    for (const id of entityIds) resolved.set(id, await chartFor(ex, id));
    const inserts = prepareEntries(
      tenantId,
      ctx.actor,
      entries,
      (entityId, role) => {
        const id = resolved.get(entityId)?.get(role);
        if (!id) throw ledgerError('ledger.account_missing', `entity ${entityId} has no ${role} account`);
        return id;
      },
      ctx.database.kind,
    );
    return { entries: entries.length, inserts };
  }

  /**
   * The second half of `post`: writes a prepared posting, then `after` (rows that go with the
   * posting, such as the subledger's items) in the same round trip where the engine allows.
   * Returns how many rows each of `after` inserted.
   */
  async function write(
    ex: Executor,
    posting: PreparedPosting,
    after: readonly PreparedInsert[] = [],
  ): Promise<number[]> {
    const counts = await withDbErrors(() => runInserts(ex, [...posting.inserts, ...after]));
    return counts.slice(posting.inserts.length);
  }

  return {
    /** Creates the default chart of accounts for an entity; accounts that exist are left alone. */
    async createDefaultChart(ex: Executor, entityId: string): Promise<void> {
      const existing = new Set((await findAccounts(ex, tenantId, entityId)).map((a) => a.role));
      const missing = DEFAULT_CHART.filter((a) => !existing.has(a.role));
      if (missing.length === 0) return;
      await ex
        .insertInto('gl_accounts')
        .values(
          missing.map((a) => ({
            tenant_id: tenantId,
            id: newId('account'),
            entity_id: entityId,
            code: a.code,
            name: a.name,
            type: a.type,
            role: a.role,
          })),
        )
        .execute();
    },

    /**
     * Posts complete entries. Each is checked to balance per currency here, and again by the
     * database's trigger; a locked period refuses the posting.
     */
    async post(ex: Executor, entries: readonly EntryDraft[]): Promise<void> {
      await write(ex, await prepare(ex, entries));
    },

    prepare,

    write,

    /** Posts the reversal of an entry, dated `date` (not before the entry). An entry can be reversed once. */
    async reverse(ex: Executor, entryId: string, date: LocalDate, reason: string): Promise<EntryDraft> {
      const found = await findEntryWithLines(ex, tenantId, entryId);
      if (!found) throw ledgerError('ledger.entry_not_found', `journal entry ${entryId} not found`);
      if (date < found.entry.entry_date)
        throw ledgerError(
          'ledger.reversal_before_entry',
          `journal entry ${entryId} is dated ${found.entry.entry_date}; its reversal cannot be dated ${date}, before it`,
        );
      const already = await ex
        .selectFrom('journal_entries')
        .select('id')
        .where('tenant_id', '=', tenantId)
        .where('reversal_of', '=', entryId)
        .executeTakeFirst();
      if (already)
        throw ledgerError(
          'ledger.already_reversed',
          `journal entry ${entryId} was reversed by ${already.id}`,
        );
      const lines: PostingLine[] = found.lines.map((l) => ({
        role: l.role as AccountRole,
        amountMinor: l.amount_minor,
        currency: l.currency as PostingLine['currency'],
        customerId: l.customer_id,
        itemId: l.item_id,
        receiptId: l.receipt_id,
      }));
      const reversal = buildReversal(
        {
          id: found.entry.id,
          entityId: found.entry.entity_id,
          sourceType: found.entry.source_type,
          sourceId: found.entry.source_id,
          lines,
        },
        { id: newId('journalEntry'), date, reason },
      );
      await this.post(ex, [reversal]);
      return reversal;
    },

    async lockPeriod(ex: Executor, entityId: string, period: string): Promise<void> {
      if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(period)) {
        throw ledgerError('ledger.invalid_period', `period must be YYYY-MM, got "${period}"`);
      }
      await ex
        .insertInto('locked_periods')
        .values({ tenant_id: tenantId, entity_id: entityId, period, locked_by: ctx.actor })
        .onConflict((oc) => oc.doNothing())
        .execute();
    },

    async unlockPeriod(ex: Executor, entityId: string, period: string): Promise<void> {
      await ex
        .deleteFrom('locked_periods')
        .where('tenant_id', '=', tenantId)
        .where('entity_id', '=', entityId)
        .where('period', '=', period)
        .execute();
    },

    /** The latest entry date in the ledger, or null when it is empty. */
    async latestEntryDate(ex: Executor): Promise<LocalDate | null> {
      const r = await sql<{ d: string | null }>`
        select max(entry_date) as d from journal_entries where tenant_id = ${tenantId}`.execute(ex);
      return (r.rows[0]?.d ?? null) as LocalDate | null;
    },

    trialBalance(ex: Executor, asOf: LocalDate | null) {
      return findAccountBalances(ex, tenantId, asOf);
    },

    chartFor,
  };
}
