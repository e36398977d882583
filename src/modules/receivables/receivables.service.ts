import type { Executor, ServiceContext } from '../../core/context.ts';
import type { CurrencyCode } from '../../core/currency.ts';
import { newId } from '../../core/ids.ts';
import { type LocalDate, maxDate } from '../../core/local-date.ts';
import { formatAmount } from '../../core/money.ts';
import { anyText, type PreparedInsert } from '../../db/bulk.ts';
import type { ApplicationKind, ApplicationStatus } from '../../db/schema.ts';
import { recordAudit } from '../audit/index.ts';
import {
  createLedgerService,
  type EntryDraft,
  type LedgerService,
  type PreparedPosting,
} from '../ledger/index.ts';
import { buildApplicationPostings, type PostedRow } from './logic/build-application-postings.ts';
import { buildItemPostings } from './logic/build-item-postings.ts';
import { buildReceiptPostings } from './logic/build-receipt-postings.ts';
import {
  buildReinstatementPostings,
  buildReinstatementRows,
  planReinstatement,
  type ReinstatedPart,
} from './logic/build-reinstatement-postings.ts';
import { checkApplicationBatch } from './logic/check-application-batch.ts';
import type { ApplicationBatchDraft, ItemState, ItemType, ReceiptState } from './logic/types.ts';
import { settlesItem } from './logic/types.ts';
import { receivablesError } from './receivables.errors.ts';
import {
  type ApplicationRow,
  findTakenNumbers,
  findWrittenOffAmounts,
  type ItemRow,
  insertApplications,
  insertReceipts,
  lockItems,
  lockReceipts,
  prepareApplicationsInsert,
  prepareItemOpenAmounts,
  prepareItemsInsert,
  prepareNewItemsInsert,
  prepareReceiptUnapplied,
  type ReceiptRow,
  reserveNumbers,
  updateItemOpenAmounts,
  updateReceiptUnapplied,
} from './receivables.repo.ts';

export type ItemDraft = Omit<
  ItemRow,
  'openMinor' | 'journalEntryId' | 'originApplicationId' | 'reasonCode'
> & {
  reasonCode?: string | null;
};

export type ReceiptDraft = Omit<ReceiptRow, 'unappliedMinor' | 'journalEntryId'>;

/** Items encoded with their entries by `prepareItems`, ready for `writeItems`. */
export interface PreparedItems {
  readonly drafts: readonly ItemDraft[];
  readonly posting: PreparedPosting;
  readonly items: PreparedInsert;
}

export interface BatchProblem {
  readonly index: number;
  readonly sourceLine: number | undefined;
  readonly problems: readonly string[];
}

export interface ApplyResult {
  readonly entryIds: readonly string[];
  readonly applicationIds: readonly string[];
  readonly createdItemIds: readonly string[];
}

export interface ReinstateResult {
  readonly entryId: string;
  readonly applicationIds: readonly string[];
  readonly currency: CurrencyCode;
  readonly items: readonly {
    readonly itemId: string;
    readonly number: string;
    readonly customerId: string;
    readonly amountMinor: bigint;
    readonly openAfterMinor: bigint;
    readonly writtenOffAfterMinor: bigint;
  }[];
}

export type ReceivablesService = ReturnType<typeof createReceivablesService>;

/**
 * The AR subledger: open items, receipts and applications, each posted to the journal by its pure
 * builder in the same transaction as the subledger rows, so subledger and ledger never disagree.
 */
export function createReceivablesService(
  ctx: ServiceContext,
  ledger: LedgerService = createLedgerService(ctx),
) {
  const { tenantId, actor } = ctx;

  /**
   * Issues invoices, debit memos and credit memos: AR against revenue, one entry per entity and issue
   * date among the drafts (see buildItemPostings). With `skipExistingNumbers`, drafts whose number
   * an item already has are left out (the caller finds them by number); a number taken by another
   * transaction after that check still fails the insert.
   */
  async function postItems(
    ex: Executor,
    drafts: readonly ItemDraft[],
    options: { skipExistingNumbers?: boolean } = {},
  ): Promise<number> {
    return writeItems(ex, await prepareItems(ex, drafts), options);
  }

  /**
   * The first half of `postItems`: builds the drafts' entries (checked to balance) and encodes
   * entries, lines and items, without writing anything. An import prepares its next batch while
   * the database writes the previous one.
   */
  async function prepareItems(ex: Executor, drafts: readonly ItemDraft[]): Promise<PreparedItems> {
    // Drafts by entity, then issue date: one entry each.
    const groups = new Map<string, Map<string, ItemDraft[]>>();
    for (const d of drafts) {
      let byDate = groups.get(d.entityId);
      if (!byDate) {
        byDate = new Map();
        groups.set(d.entityId, byDate);
      }
      const group = byDate.get(d.issueDate);
      if (group) group.push(d);
      else byDate.set(d.issueDate, [d]);
    }
    const entryOf = new Map<ItemDraft, string>();
    const entries: EntryDraft[] = [];
    for (const byDate of groups.values()) {
      for (const group of byDate.values()) {
        const entryId = newId('journalEntry');
        entries.push(buildItemPostings(group, { id: entryId, importId: group[0]?.importId ?? null }));
        for (const d of group) entryOf.set(d, entryId);
      }
    }
    // The items go in the drafts' order, not their entries': an import's drafts come in file order,
    // with ids made in that order (and numbers often ascending), so each insert lands at the right
    // end of the items' id and number keys, where PostgreSQL appends without descending the tree
    // (1M-invoice import on the server: about 22.5 → 21.0 s; docs/benchmarks.md).
    return {
      drafts,
      posting: await ledger.prepare(ex, entries),
      items: prepareNewItemsInsert(
        tenantId,
        drafts,
        drafts.map((d) => entryOf.get(d) ?? ''),
        ctx.database.kind,
      ),
    };
  }

  /** The second half of `postItems`: writes prepared items and their entries; returns how many items. */
  async function writeItems(
    ex: Executor,
    prepared: PreparedItems,
    options: { skipExistingNumbers?: boolean } = {},
  ): Promise<number> {
    const { drafts } = prepared;
    if (drafts.length === 0) return 0;
    if (options.skipExistingNumbers) {
      const taken = await findTakenNumbers(
        ex,
        tenantId,
        drafts.map((d) => d.number),
      );
      if (taken.size > 0) {
        const fresh = drafts.filter((d) => !taken.has(d.number));
        return fresh.length === 0 ? 0 : writeItems(ex, await prepareItems(ex, fresh));
      }
    }
    const [inserted] = await ledger.write(ex, prepared.posting, [prepared.items]);
    return inserted ?? 0;
  }

  /** Books money received: cash against unapplied cash, one entry per receipt. */
  async function postReceipts(ex: Executor, drafts: readonly ReceiptDraft[]): Promise<void> {
    if (drafts.length === 0) return;
    const rows: ReceiptRow[] = [];
    const entries: EntryDraft[] = [];
    for (const d of drafts) {
      const entryId = newId('journalEntry');
      rows.push({ ...d, unappliedMinor: d.amountMinor, journalEntryId: entryId });
      entries.push(buildReceiptPostings({ ...d, entryId }));
    }
    await ledger.post(ex, entries);
    await insertReceipts(ex, tenantId, rows);
  }

  /**
   * Applies batches in order, each checked against the state the previous ones left. With
   * `collectProblems`, bad batches are reported (and skipped) instead of thrown, for imports that
   * report every bad row; otherwise the first bad batch throws and nothing is written.
   */
  async function applyBatches(
    ex: Executor,
    batches: readonly ApplicationBatchDraft[],
    options: {
      collectProblems?: BatchProblem[];
      /** Receipts and items the caller has already read (and locked) in this transaction. */
      receipts?: Map<string, ReceiptState>;
      items?: Map<string, ItemState>;
    } = {},
  ): Promise<ApplyResult> {
    if (batches.length === 0) return { entryIds: [], applicationIds: [], createdItemIds: [] };
    const itemIds = batches.flatMap((b) =>
      b.rows.flatMap((r) => (r.itemId && !options.items?.has(r.itemId) ? [r.itemId] : [])),
    );
    const items = new Map<string, ItemState>(options.items ?? []);
    for (const [id, item] of await lockItems(ex, tenantId, itemIds)) items.set(id, item);
    const receiptIds = batches.flatMap((b) =>
      b.receiptId && !options.receipts?.has(b.receiptId) ? [b.receiptId] : [],
    );
    const receipts = new Map<string, ReceiptState>(options.receipts ?? []);
    for (const [id, r] of await lockReceipts(ex, tenantId, receiptIds)) receipts.set(id, r);

    const good: { batch: ApplicationBatchDraft; receipt: ReceiptState | null }[] = [];
    batches.forEach((batch, index) => {
      const receipt = batch.receiptId ? (receipts.get(batch.receiptId) ?? null) : null;
      const { problems, overApplied } =
        batch.receiptId && !receipt
          ? { problems: [`receipt ${batch.receiptId} not found`], overApplied: false }
          : checkApplicationBatch(batch, items, receipt);
      if (problems.length === 0) {
        good.push({ batch, receipt });
        return;
      }
      if (options.collectProblems) {
        options.collectProblems.push({ index, sourceLine: batch.sourceLine, problems });
        return;
      }
      const code = overApplied ? 'receivables.over_application' : 'receivables.invalid_application';
      throw receivablesError(code, problems.join('; '), { details: { problems } });
    });
    if (options.collectProblems && options.collectProblems.length > 0) {
      return { entryIds: [], applicationIds: [], createdItemIds: [] };
    }

    const createdCount = good.reduce(
      (n, g) => n + g.batch.rows.filter((r) => r.kind === 'deduction').length,
      0,
    );
    const onAccountCount = good.reduce(
      (n, g) => n + g.batch.rows.filter((r) => r.kind === 'on_account').length,
      0,
    );
    let nextDeduction = createdCount > 0 ? await reserveNumbers(ex, tenantId, 'deduction', createdCount) : 0n;
    let nextOnAccount =
      onAccountCount > 0 ? await reserveNumbers(ex, tenantId, 'on_account', onAccountCount) : 0n;

    const entries: EntryDraft[] = [];
    const appRows: ApplicationRow[] = [];
    const newItems: ItemRow[] = [];
    const touchedItems = new Set<string>();
    for (const { batch, receipt } of good) {
      const entryId = newId('journalEntry');
      const posted: PostedRow[] = [];
      for (const row of batch.rows) {
        const appId = newId('application');
        const item = row.itemId ? items.get(row.itemId) : undefined;
        let createdItemId: string | null = null;
        const customerId = row.customerId ?? item?.customerId ?? receipt?.customerId ?? null;
        if (row.kind === 'deduction' || row.kind === 'on_account') {
          createdItemId = newId('item');
          const isDeduction = row.kind === 'deduction';
          const seq = isDeduction ? nextDeduction++ : nextOnAccount++;
          newItems.push({
            id: createdItemId,
            entityId: batch.entityId,
            customerId: customerId as string,
            type: isDeduction ? 'deduction' : 'on_account',
            number: `${isDeduction ? 'DED' : 'OA'}-${String(seq).padStart(6, '0')}`,
            issueDate: batch.appliedDate,
            dueDate: batch.appliedDate,
            currency: batch.currency,
            amountMinor: -row.amountMinor,
            openMinor: -row.amountMinor,
            terms: null,
            discountPercent: null,
            discountUntil: null,
            poNumber: null,
            reference: receipt?.reference ?? null,
            description: isDeduction
              ? `Deduction${row.reasonCode ? ` (${row.reasonCode})` : ''}${item ? ` taken against ${item.number}` : ''}${receipt ? ` on receipt ${receipt.reference}` : ''}`
              : `Payment on account${receipt ? ` from receipt ${receipt.reference}` : ''}`,
            billToPartyId: null,
            reasonCode: row.reasonCode ?? null,
            originApplicationId: appId,
            journalEntryId: entryId,
            importId: batch.importId ?? null,
          });
        }
        if (item && settlesItem(row.kind)) touchedItems.add(item.id);
        posted.push({
          kind: row.kind,
          amountMinor: row.amountMinor,
          arItemId: createdItemId ?? (settlesItem(row.kind) ? (item?.id ?? null) : null),
          arCustomerId: createdItemId
            ? customerId
            : settlesItem(row.kind)
              ? (item?.customerId ?? null)
              : null,
        });
        appRows.push({
          id: appId,
          entityId: batch.entityId,
          journalEntryId: entryId,
          receiptId: batch.receiptId,
          customerId,
          itemId: row.itemId,
          createdItemId,
          kind: row.kind,
          currency: batch.currency,
          amountMinor: row.amountMinor,
          reasonCode: row.reasonCode ?? null,
          status: batch.status,
          confidence: batch.confidence ?? null,
          explanation: row.explanation ?? batch.explanation ?? null,
          engineVersion: batch.engineVersion ?? null,
          appliedDate: batch.appliedDate,
          reversalOf: null,
          createdBy: actor,
        });
      }
      entries.push(
        buildApplicationPostings({
          entryId,
          entityId: batch.entityId,
          date: batch.appliedDate,
          currency: batch.currency,
          receipt: receipt ? { id: receipt.id, customerId: receipt.customerId } : null,
          rows: posted,
          description: receipt ? `application of receipt ${receipt.reference}` : 'application of credit',
          importId: batch.importId ?? null,
        }),
      );
    }
    const touchedReceipts = [...new Set(good.flatMap((g) => (g.receipt ? [g.receipt] : [])))];
    // The entries, the items they create, the applications and the new open and unapplied amounts:
    // written together (one round trip where the engine allows, see runInserts).
    await ledger.write(ex, await ledger.prepare(ex, entries), [
      prepareItemsInsert(tenantId, newItems),
      prepareApplicationsInsert(tenantId, appRows),
      ...prepareItemOpenAmounts(
        tenantId,
        [...touchedItems].map((id) => ({ id, openMinor: items.get(id)?.openMinor ?? 0n })),
      ),
      ...prepareReceiptUnapplied(
        tenantId,
        touchedReceipts.map((r) => ({ id: r.id, unappliedMinor: r.unappliedMinor })),
      ),
    ]);
    return {
      entryIds: entries.map((e) => e.id),
      applicationIds: appRows.map((r) => r.id),
      createdItemIds: newItems.map((i) => i.id),
    };
  }

  /**
   * Undoes applications: each row gets a reversing row (`reversal_of`, amount negated) and the
   * postings are reversed, dated `date` (not before any of the applications). Settled items
   * reopen; items the rows created (deductions, on-account credits) are closed, which requires that
   * nothing has been applied to them since.
   * When every row of a batch goes, the batch's entry is reversed as a whole.
   */
  async function reverseApplications(
    ex: Executor,
    given: {
      applicationIds: readonly string[];
      date: LocalDate;
      reason: string;
      /**
       * Undo as of `date` (today, for an analyst's undo) or, for rows dated later than that (a
       * credit memo applied on its future issue date, a receipt dated ahead), on the latest row's
       * date. Without it a date before any row is refused.
       */
      notBeforeRows?: boolean;
    },
  ): Promise<{ reversalIds: string[]; entryIds: string[]; date: LocalDate }> {
    const ids = [...new Set(given.applicationIds)];
    if (ids.length === 0) return { reversalIds: [], entryIds: [], date: given.date };
    const rows = await ex
      .selectFrom('applications')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('id', '=', anyText(ids))
      .orderBy('id')
      .forUpdate()
      .execute();
    const missing = ids.filter((id) => !rows.some((r) => r.id === id));
    if (missing.length > 0) {
      throw receivablesError(
        'receivables.application_not_found',
        `application ${missing.join(', ')} not found`,
      );
    }
    const reversal = rows.find((r) => r.reversal_of !== null);
    if (reversal) {
      throw receivablesError(
        'receivables.invalid_application',
        `application ${reversal.id} is itself a reversal`,
      );
    }
    const already = await ex
      .selectFrom('applications')
      .select(['reversal_of'])
      .where('tenant_id', '=', tenantId)
      .where('reversal_of', '=', anyText(ids))
      .execute();
    if (already.length > 0) {
      throw receivablesError(
        'receivables.already_reversed',
        `application ${already.map((a) => a.reversal_of).join(', ')} was already reversed`,
      );
    }
    // Reversed as of a date before the application, the item would be open beyond its amount (and
    // the receipt's cash counted twice) in an aging as of the days between.
    const latestRow = rows.reduce((latest, r) => maxDate(latest, r.applied_date as LocalDate), given.date);
    const request = { ...given, date: given.notBeforeRows ? latestRow : given.date };
    const early = rows.find((r) => request.date < r.applied_date);
    if (early) {
      throw receivablesError(
        'receivables.reversal_before_application',
        `application ${early.id} was applied on ${early.applied_date}; its reversal cannot be dated ${request.date}, before it`,
      );
    }
    const itemIds = rows.flatMap((r) =>
      [r.item_id, r.created_item_id].filter((x): x is string => x !== null),
    );
    const items = await lockItems(ex, tenantId, itemIds);
    const receipts = await lockReceipts(
      ex,
      tenantId,
      rows.flatMap((r) => (r.receipt_id ? [r.receipt_id] : [])),
    );

    const byEntry = new Map<string, typeof rows>();
    for (const r of rows) byEntry.set(r.journal_entry_id, [...(byEntry.get(r.journal_entry_id) ?? []), r]);
    const reversalRows: ApplicationRow[] = [];
    const entryIds: string[] = [];
    const touchedItems = new Set<string>();
    for (const [entryId, group] of byEntry) {
      const first = group[0];
      if (!first) continue;
      const currency = first.currency as CurrencyCode;
      const receipt = first.receipt_id ? (receipts.get(first.receipt_id) ?? null) : null;
      const total = group.reduce((s, r) => s + r.amount_minor, 0n);
      if (!receipt && total !== 0n) {
        throw receivablesError(
          'receivables.unbalanced_batch',
          `reversing only some rows of ${entryId} leaves it unbalanced (${formatAmount(total, currency)}); reverse its other rows too`,
        );
      }
      for (const r of group) {
        if (r.created_item_id) {
          const created = items.get(r.created_item_id);
          if (created && created.openMinor !== created.amountMinor) {
            throw receivablesError(
              'receivables.created_item_in_use',
              `${created.number} (created by application ${r.id}) has been applied since; reverse that first`,
            );
          }
          if (created) {
            created.openMinor = 0n;
            touchedItems.add(created.id);
          }
        }
        if (r.item_id && settlesItem(r.kind)) {
          const item = items.get(r.item_id);
          if (item) {
            item.openMinor += r.amount_minor;
            touchedItems.add(item.id);
          }
        }
      }
      if (receipt) {
        receipt.unappliedMinor += total;
        // Undoing a negative row alone (a credit netted inside the payment, a discount) would give the
        // receipt back less than it used: its other rows would then spend more than it brought.
        if (receipt.unappliedMinor < 0n) {
          throw receivablesError(
            'receivables.unbalanced_batch',
            `reversing only these rows would leave receipt ${receipt.reference} over-applied by ${formatAmount(-receipt.unappliedMinor, currency)}; reverse the rows they offset too`,
          );
        }
        // And undoing the positive rows alone would leave negative rows that take money in.
        if (receipt.unappliedMinor > receipt.amountMinor) {
          throw receivablesError(
            'receivables.unbalanced_batch',
            `reversing only these rows would leave receipt ${receipt.reference} with rows summing to ${formatAmount(receipt.amountMinor - receipt.unappliedMinor, currency)}; reverse its discounts, deductions and credits too`,
          );
        }
      }

      // The entry can be reversed as a whole only when every row it posted goes now; after an
      // earlier partial reversal, the rows left are reversed by their own entry.
      const posted = await ex
        .selectFrom('applications')
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .where('tenant_id', '=', tenantId)
        .where('journal_entry_id', '=', entryId)
        .where('reversal_of', 'is', null)
        .executeTakeFirstOrThrow();
      const whole = Number(posted.n) === group.length;
      let reversalEntryId: string;
      if (whole) {
        reversalEntryId = (await ledger.reverse(ex, entryId, request.date, request.reason)).id;
      } else {
        reversalEntryId = newId('journalEntry');
        await ledger.post(ex, [
          buildApplicationPostings({
            entryId: reversalEntryId,
            entityId: first.entity_id,
            date: request.date,
            currency,
            receipt: receipt ? { id: receipt.id, customerId: receipt.customerId } : null,
            rows: group.map((r) => ({
              kind: r.kind,
              amountMinor: -r.amount_minor,
              arItemId: r.created_item_id ?? (settlesItem(r.kind) ? r.item_id : null),
              arCustomerId:
                r.created_item_id || settlesItem(r.kind)
                  ? (items.get(r.created_item_id ?? r.item_id ?? '')?.customerId ?? null)
                  : null,
            })),
            description: `partial reversal of ${entryId}: ${request.reason}`,
          }),
        ]);
      }
      entryIds.push(reversalEntryId);
      for (const r of group) {
        reversalRows.push({
          id: newId('application'),
          entityId: r.entity_id,
          journalEntryId: reversalEntryId,
          receiptId: r.receipt_id,
          customerId: r.customer_id,
          itemId: r.item_id,
          createdItemId: r.created_item_id,
          kind: r.kind,
          currency: r.currency,
          amountMinor: -r.amount_minor,
          reasonCode: r.reason_code,
          status: r.status,
          confidence: null,
          explanation: `reversal: ${request.reason}`,
          engineVersion: null,
          appliedDate: request.date,
          reversalOf: r.id,
          createdBy: actor,
        });
      }
    }
    await insertApplications(ex, tenantId, reversalRows);
    await updateItemOpenAmounts(
      ex,
      tenantId,
      [...touchedItems].map((id) => ({ id, openMinor: items.get(id)?.openMinor ?? 0n })),
    );
    await updateReceiptUnapplied(
      ex,
      tenantId,
      [...receipts.values()].map((r) => ({ id: r.id, unappliedMinor: r.unappliedMinor })),
    );
    const reversalOf = new Map(reversalRows.map((r) => [r.reversalOf, r.id]));
    await recordAudit(
      ex,
      tenantId,
      rows.map((r) => ({
        actor,
        action: 'application.reversed',
        objectType: 'application',
        objectId: r.id,
        before: { kind: r.kind, amount_minor: r.amount_minor, item_id: r.item_id, receipt_id: r.receipt_id },
        after: { reversal_id: reversalOf.get(r.id), reason: request.reason, date: request.date },
      })),
    );
    return { reversalIds: reversalRows.map((r) => r.id), entryIds, date: request.date };
  }

  /**
   * Recovery of written-off amounts (DOMAIN.md): puts back on the books up to what each item has
   * written off (net of earlier reinstatements and reversals), so that money received for it can then
   * be applied as usual. One entry, Dr AR on each item / Cr allowance (buildReinstatementPostings), and
   * per item an `invoice` row of minus the part and a `write_off` row of plus it, reason `recovery`
   * (buildReinstatementRows), so the open amount stays the amount less the applications. Items of one
   * entity and currency; each is named once. Audited per item.
   */
  async function reinstateWrittenOff(
    ex: Executor,
    request: {
      readonly parts: readonly { readonly itemId: string; readonly amountMinor?: bigint }[];
      readonly date: LocalDate;
      readonly reason: string;
      readonly importId?: string | null;
    },
  ): Promise<ReinstateResult> {
    if (request.parts.length === 0)
      throw receivablesError('receivables.invalid_application', 'name at least one item to reinstate');
    const ids = request.parts.map((p) => p.itemId);
    if (new Set(ids).size !== ids.length)
      throw receivablesError('receivables.invalid_application', 'each item is reinstated once per request');
    const items = await lockItems(ex, tenantId, ids);
    const missing = ids.filter((id) => !items.has(id));
    if (missing.length > 0)
      throw receivablesError('receivables.item_not_found', `item ${missing.join(', ')} not found`);
    const writtenOff = await findWrittenOffAmounts(ex, tenantId, ids);
    const first = items.get(ids[0] as string) as ItemState;
    const parts: ReinstatedPart[] = [];
    const problems: string[] = [];
    let conflict = false;
    for (const p of request.parts) {
      const item = items.get(p.itemId) as ItemState;
      if (item.entityId !== first.entityId || item.currency !== first.currency) {
        problems.push(`${item.number} is not of the entity and currency of ${first.number}`);
        continue;
      }
      if (item.issueDate > request.date) {
        problems.push(`${item.number} was issued on ${item.issueDate}, after ${request.date}`);
        continue;
      }
      const plan = planReinstatement(
        { ...item, writtenOffMinor: writtenOff.get(item.id) ?? 0n },
        p.amountMinor,
      );
      if (!plan.ok) {
        problems.push(plan.problem);
        conflict ||= plan.conflict;
        continue;
      }
      parts.push({ itemId: item.id, customerId: item.customerId, amountMinor: plan.amountMinor });
    }
    if (problems.length > 0)
      throw receivablesError(
        conflict ? 'receivables.exceeds_written_off' : 'receivables.invalid_application',
        `cannot reinstate: ${problems.join('; ')}`,
        { details: { problems } },
      );
    const entryId = newId('journalEntry');
    const currency = first.currency;
    await ledger.post(ex, [
      buildReinstatementPostings({
        entryId,
        entityId: first.entityId,
        currency,
        date: request.date,
        parts,
        description: `recovery of written-off ${parts.map((p) => items.get(p.itemId)?.number).join(', ')}: ${request.reason}`,
        importId: request.importId ?? null,
      }),
    ]);
    const appRows: ApplicationRow[] = buildReinstatementRows(parts).map((r) => ({
      id: newId('application'),
      entityId: first.entityId,
      journalEntryId: entryId,
      receiptId: null,
      customerId: r.customerId,
      itemId: r.itemId,
      createdItemId: null,
      kind: r.kind,
      currency,
      amountMinor: r.amountMinor,
      reasonCode: r.reasonCode ?? null,
      status: 'manual',
      confidence: null,
      explanation: `recovery: ${request.reason}`,
      engineVersion: null,
      appliedDate: request.date,
      reversalOf: null,
      createdBy: actor,
    }));
    await insertApplications(ex, tenantId, appRows);
    const result: ReinstateResult['items'][number][] = [];
    for (const p of parts) {
      const item = items.get(p.itemId) as ItemState;
      const before = { open: item.openMinor, writtenOff: writtenOff.get(item.id) ?? 0n };
      item.openMinor += p.amountMinor;
      result.push({
        itemId: item.id,
        number: item.number,
        customerId: item.customerId,
        amountMinor: p.amountMinor,
        openAfterMinor: item.openMinor,
        writtenOffAfterMinor: before.writtenOff - p.amountMinor,
      });
    }
    await updateItemOpenAmounts(
      ex,
      tenantId,
      parts.map((p) => ({ id: p.itemId, openMinor: items.get(p.itemId)?.openMinor ?? 0n })),
    );
    await recordAudit(
      ex,
      tenantId,
      result.map((r) => ({
        actor,
        action: 'item.reinstated',
        objectType: 'item',
        objectId: r.itemId,
        before: {
          open_minor: r.openAfterMinor - r.amountMinor,
          written_off_minor: r.writtenOffAfterMinor + r.amountMinor,
        },
        after: {
          open_minor: r.openAfterMinor,
          written_off_minor: r.writtenOffAfterMinor,
          reinstated_minor: r.amountMinor,
          currency,
          journal_entry_id: entryId,
          reason: request.reason,
          date: request.date,
        },
      })),
    );
    return { entryId, applicationIds: appRows.map((r) => r.id), currency, items: result };
  }

  return {
    postItems,
    prepareItems,
    writeItems,
    postReceipts,
    applyBatches,
    reverseApplications,
    reinstateWrittenOff,
  };
}

export type { ApplicationKind, ApplicationStatus, ItemState, ItemType, ReceiptState };
