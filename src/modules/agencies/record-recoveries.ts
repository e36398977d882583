import type { Executor, ServiceContext } from '../../core/context.ts';
import type { CurrencyCode } from '../../core/currency.ts';
import { type InputIssue, isAppError } from '../../core/errors.ts';
import { newId, ulid } from '../../core/ids.ts';
import { isLocalDate, type LocalDate } from '../../core/local-date.ts';
import { formatAmount, parseAmount } from '../../core/money.ts';
import { recordAudit } from '../audit/index.ts';
import {
  type ApplicationBatchDraft,
  type ApplicationRowDraft,
  createReceivablesService,
  findWrittenOffAmounts,
  type ReceiptDraft,
} from '../receivables/index.ts';
import { bindHeader, openTableFile } from '../tabular/index.ts';
import { agenciesError } from './agencies.errors.ts';
import {
  closePlacements,
  findPlacedItems,
  findPlacements,
  findTakenReferences,
  type PlacedItemRow,
  type PlacementRow,
} from './agencies.repo.ts';
import { allocateRecovery } from './logic/allocate-recovery.ts';
import { commissionOn, parseCommissionRate } from './logic/commission.ts';

/**
 * One line of an agency's remittance: what it recovered on a placement (named by the placement id,
 * or by the account number and, when the account has several, the agency code), on which day, and
 * the commission it kept (default: the placement's rate × the amount).
 */
export interface RecoveryLine {
  readonly line?: number;
  readonly placementId?: string;
  readonly accountNumber?: string;
  readonly agency?: string;
  readonly date: string;
  /** Gross recovered, decimal string in major units. */
  readonly amount: string;
  readonly commission?: string;
  /** The agency's own reference for the line; a second line with the same reference on the same placement is refused. */
  readonly reference?: string;
}

export interface RecordedRecovery {
  readonly id: string;
  readonly line: number | null;
  readonly placementId: string;
  readonly accountNumber: string;
  readonly agencyCode: string;
  readonly currency: CurrencyCode;
  readonly recoveredOn: LocalDate;
  readonly recoveredMinor: bigint;
  readonly commissionMinor: bigint;
  readonly netMinor: bigint;
  readonly receiptId: string | null;
  readonly journalEntryId: string | null;
  /** The items the gross amount settled, oldest first. */
  readonly applied: readonly { itemNumber: string; amountMinor: bigint }[];
  /** Of those, what had been written off and was reinstated first (recovery: Dr AR, Cr allowance). */
  readonly reinstated: readonly { itemNumber: string; amountMinor: bigint }[];
  /** The reinstatement's journal entry, when the recovery reinstated anything. */
  readonly reinstatementEntryId: string | null;
}

export interface RecoveryResult {
  readonly recoveries: RecordedRecovery[];
  /** Placements whose items are now all paid: closed. */
  readonly closedPlacements: string[];
  readonly importId: string | null;
}

/**
 * Records what agencies recovered, as money through the normal posting path (ADR-free summary in
 * docs/worklist.md, agencies):
 *
 *   receipt (the net the agency remitted)      Cash  /  Unapplied cash
 *   application of that receipt                Unapplied cash (net) + Bank charges (commission) / AR (gross)
 *
 * The application's rows are an `invoice` row per placed item (the gross, oldest item first) and a
 * `bank_fee` row of minus the commission with reason code `agency_commission`, so the rows sum to the
 * net and the receipt is fully applied; the placed items' open amounts fall by the gross, exactly as
 * if the customer had paid them (the commission is a collection cost, booked to the bank-charges
 * expense account, the chart's only fee account). When the commission takes it all there is no
 * receipt and the batch (gross − commission = 0) posts without one.
 *
 * Money recovered on placed items written off meanwhile is a recovery of a written-off amount
 * (DOMAIN.md): what the gross exceeds the items' open amounts by is first reinstated on the written-off
 * items, oldest first (receivables.reinstateWrittenOff: Dr AR, Cr allowance, dated the recovery day),
 * then applied with the rest as above. Open amounts are used before written-off ones, so a recovery
 * that fits what is open reinstates nothing.
 *
 * Every line is checked first (placement, date, amounts, commission ≤ gross, reference not seen
 * before, gross ≤ what the placed items still have open or written off, running over earlier lines);
 * any problem fails them all with every problem listed. A placement whose items are all paid
 * afterwards is closed.
 */
export async function recordRecoveries(
  ctx: ServiceContext,
  lines: readonly RecoveryLine[],
  options: { file?: string } = {},
): Promise<RecoveryResult> {
  return ctx.database.db
    .transaction()
    .execute((tx) => postRecoveries(tx, ctx, lines, { file: options.file ?? null, importId: null }));
}

/** Imports an agency's recoveries file (CSV or XLSX; columns in docs/worklist.md); a file is taken once. */
export async function importRecoveriesFile(ctx: ServiceContext, path: string): Promise<RecoveryResult> {
  const source = await openTableFile(path);
  try {
    const bound = bindHeader(source, {
      required: ['date', 'amount'],
      optional: ['placement_id', 'account_number', 'agency', 'commission', 'reference'],
    });
    if (!bound.ok)
      throw agenciesError(
        'agencies.invalid_recoveries',
        `${source.file}: the header does not match the recoveries format`,
        {
          issues: bound.issues,
        },
      );
    const hash = await source.contentHash();
    const lines: RecoveryLine[] = [];
    const issues: InputIssue[] = [];
    for await (const r of source.rows()) {
      if ('error' in r) {
        issues.push({ file: source.file, line: r.line, message: r.error });
        continue;
      }
      const get = (name: Parameters<typeof bound.columns.get>[1]) => bound.columns.get(r.fields, name);
      const opt = (name: Parameters<typeof bound.columns.get>[1]) =>
        get(name) === '' ? undefined : get(name);
      lines.push({
        line: r.line,
        date: get('date'),
        amount: get('amount'),
        ...(opt('placement_id') !== undefined ? { placementId: opt('placement_id') as string } : {}),
        ...(opt('account_number') !== undefined ? { accountNumber: opt('account_number') as string } : {}),
        ...(opt('agency') !== undefined ? { agency: opt('agency') as string } : {}),
        ...(opt('commission') !== undefined ? { commission: opt('commission') as string } : {}),
        ...(opt('reference') !== undefined ? { reference: opt('reference') as string } : {}),
      });
    }
    if (issues.length > 0)
      throw agenciesError(
        'agencies.invalid_recoveries',
        `${source.file}: ${issues.length} unreadable row(s); nothing was recorded`,
        {
          issues,
        },
      );
    return await ctx.database.db.transaction().execute(async (tx) => {
      const prior = await tx
        .selectFrom('imports')
        .select(['id', 'file_name'])
        .where('tenant_id', '=', ctx.tenantId)
        .where('kind', '=', 'agency_recoveries')
        .where('content_hash', '=', hash)
        .executeTakeFirst();
      if (prior)
        throw agenciesError(
          'agencies.duplicate_file',
          `${source.file}: this recoveries file was already imported (${prior.id}, from ${prior.file_name}); nothing was changed`,
        );
      const importId = newId('import');
      const result = await postRecoveries(tx, ctx, lines, { file: source.file, importId });
      await tx
        .insertInto('imports')
        .values({
          tenant_id: ctx.tenantId,
          id: importId,
          kind: 'agency_recoveries',
          file_name: source.file,
          content_hash: hash,
          row_count: lines.length,
          summary: JSON.stringify({
            recoveries: result.recoveries.length,
            closed: result.closedPlacements.length,
          }),
          created_by: ctx.actor,
        })
        .execute();
      await recordAudit(tx, ctx.tenantId, [
        {
          actor: ctx.actor,
          action: 'import.agency_recoveries',
          objectType: 'import',
          objectId: importId,
          after: { file: source.file, content_hash: hash, rows: lines.length },
        },
      ]);
      return result;
    });
  } finally {
    await source.close();
  }
}

interface Checked {
  readonly line: RecoveryLine;
  readonly placement: PlacementRow;
  readonly date: LocalDate;
  readonly gross: bigint;
  readonly commission: bigint;
  readonly parts: { itemId: string; number: string; amountMinor: bigint }[];
  /** Written-off amounts to reinstate before the parts are applied. */
  readonly reinstated: { itemId: string; number: string; amountMinor: bigint }[];
}

async function postRecoveries(
  tx: Executor,
  ctx: ServiceContext,
  lines: readonly RecoveryLine[],
  options: { file: string | null; importId: string | null },
): Promise<RecoveryResult> {
  if (lines.length === 0) throw agenciesError('agencies.invalid_request', 'no recoveries given');
  const issues: InputIssue[] = [];
  const problem = (l: RecoveryLine, index: number, message: string): undefined => {
    issues.push({ ...(options.file ? { file: options.file } : {}), line: l.line ?? index + 1, message });
    return undefined;
  };

  // Resolve placements: by id, or the account's active placement (with the agency named if several).
  const byId = new Map<string, PlacementRow>();
  const ids = [...new Set(lines.flatMap((l) => (l.placementId ? [l.placementId] : [])))];
  for (const p of await findPlacements(tx, ctx.tenantId, { ids, forUpdate: true })) byId.set(p.id, p);
  const accounts = [
    ...new Set(lines.flatMap((l) => (!l.placementId && l.accountNumber ? [l.accountNumber] : []))),
  ];
  const activeByAccount = new Map<string, PlacementRow[]>();
  if (accounts.length > 0) {
    for (const p of await findPlacements(tx, ctx.tenantId, { status: 'placed', forUpdate: true })) {
      if (!accounts.includes(p.account_number)) continue;
      {
        const list = activeByAccount.get(p.account_number);
        if (list) list.push(p);
        else activeByAccount.set(p.account_number, [p]);
      }
      byId.set(p.id, p);
    }
  }
  const items = await findPlacedItems(tx, ctx.tenantId, [...byId.keys()]);
  const itemsOf = new Map<string, PlacedItemRow[]>();
  for (const i of items) {
    const list = itemsOf.get(i.placement_id);
    if (list) list.push(i);
    else itemsOf.set(i.placement_id, [i]);
  }
  const openNow = new Map(items.map((i) => [i.item_id, i.open_minor]));
  const writtenOffNow = await findWrittenOffAmounts(
    tx,
    ctx.tenantId,
    items.map((i) => i.item_id),
  );
  const taken = await findTakenReferences(
    tx,
    ctx.tenantId,
    lines.flatMap((l) => {
      const pid = l.placementId ?? activeByAccount.get(l.accountNumber ?? '')?.[0]?.id;
      return pid && l.reference ? [{ placementId: pid, reference: l.reference }] : [];
    }),
  );
  const seenRefs = new Set<string>();
  const checked: Checked[] = [];

  const checkLine = (l: RecoveryLine, index: number): Checked | undefined => {
    let placement: PlacementRow | undefined;
    if (l.placementId) {
      placement = byId.get(l.placementId);
      if (!placement) return problem(l, index, `no placement ${l.placementId}`);
    } else if (l.accountNumber) {
      const candidates = (activeByAccount.get(l.accountNumber) ?? []).filter(
        (p) => l.agency === undefined || p.agency_code === l.agency,
      );
      if (candidates.length === 0)
        return problem(
          l,
          index,
          `account ${l.accountNumber} has no active placement${l.agency ? ` with ${l.agency}` : ''}`,
        );
      if (candidates.length > 1)
        return problem(
          l,
          index,
          `account ${l.accountNumber} has ${candidates.length} active placements (${candidates.map((p) => p.id).join(', ')}): give the placement_id`,
        );
      placement = candidates[0] as PlacementRow;
    } else {
      return problem(l, index, 'give the placement_id or the account_number');
    }
    if (l.agency !== undefined && placement.agency_code !== l.agency)
      return problem(l, index, `placement ${placement.id} is with ${placement.agency_code}, not ${l.agency}`);
    if (!isLocalDate(l.date)) return problem(l, index, `date: "${l.date}" is not a date YYYY-MM-DD`);
    const date = l.date;
    if (date < placement.placed_on)
      return problem(l, index, `date ${date} is before the placement (${placement.placed_on})`);
    if (date > ctx.clock.today()) return problem(l, index, `date ${date} is in the future`);
    const currency = placement.currency as CurrencyCode;
    let gross: bigint;
    let commission: bigint;
    try {
      gross = parseAmount(l.amount, currency);
      commission =
        l.commission !== undefined
          ? parseAmount(l.commission, currency)
          : commissionOn(gross, parseCommissionRate(placement.commission_rate) ?? { units: 0n, scale: 0 });
    } catch (e) {
      return problem(l, index, isAppError(e) ? e.message : String(e));
    }
    if (gross <= 0n) return problem(l, index, `amount must be positive, not ${l.amount}`);
    if (commission < 0n) return problem(l, index, `commission cannot be negative (${l.commission})`);
    if (commission > gross)
      return problem(
        l,
        index,
        `commission ${formatAmount(commission, currency)} is more than the amount recovered ${formatAmount(gross, currency)}`,
      );
    if (l.reference) {
      const key = `${placement.id}|${l.reference}`;
      if (taken.has(key) || seenRefs.has(key))
        return problem(
          l,
          index,
          `reference ${l.reference} was already recorded for placement ${placement.id}`,
        );
      seenRefs.add(key);
    }
    const placed = (itemsOf.get(placement.id) ?? []).map((i) => ({
      itemId: i.item_id,
      number: i.number,
      dueDate: i.due_date,
      openMinor: openNow.get(i.item_id) ?? 0n,
    }));
    const allocation = allocateRecovery(gross, placed);
    // What the open amounts cannot take goes to the written-off amounts, oldest item first.
    const recovery =
      allocation.excessMinor > 0n
        ? allocateRecovery(
            allocation.excessMinor,
            placed.map((i) => ({ ...i, openMinor: writtenOffNow.get(i.itemId) ?? 0n })),
          )
        : { parts: [], excessMinor: 0n };
    if (recovery.excessMinor > 0n) {
      const open = placed.reduce((s, i) => s + i.openMinor, 0n);
      const writtenOff = placed.reduce((s, i) => s + (writtenOffNow.get(i.itemId) ?? 0n), 0n);
      return problem(
        l,
        index,
        `${formatAmount(gross, currency)} recovered but the placed items of ${placement.account_number} have only ${formatAmount(open, currency)} open and ${formatAmount(writtenOff, currency)} written off (paid meanwhile?)`,
      );
    }
    // One application row per item: what was open and what is reinstated on it.
    const applied = new Map<string, { itemId: string; number: string; amountMinor: bigint }>();
    for (const part of [...allocation.parts, ...recovery.parts]) {
      const prev = applied.get(part.itemId);
      applied.set(part.itemId, { ...part, amountMinor: (prev?.amountMinor ?? 0n) + part.amountMinor });
    }
    for (const part of allocation.parts)
      openNow.set(part.itemId, (openNow.get(part.itemId) ?? 0n) - part.amountMinor);
    for (const part of recovery.parts)
      writtenOffNow.set(part.itemId, (writtenOffNow.get(part.itemId) ?? 0n) - part.amountMinor);
    return {
      line: l,
      placement,
      date,
      gross,
      commission,
      parts: [...applied.values()],
      reinstated: recovery.parts,
    };
  };
  for (const [index, l] of lines.entries()) {
    const c = checkLine(l, index);
    if (c) checked.push(c);
  }
  if (issues.length > 0)
    throw agenciesError(
      'agencies.invalid_recoveries',
      `${options.file ? `${options.file}: ` : ''}${issues.length} bad recovery line(s); nothing was recorded`,
      { issues },
    );

  // Post: one receipt (the net) and one application batch per line.
  const receivables = createReceivablesService(ctx);
  const receipts: ReceiptDraft[] = [];
  const batches: ApplicationBatchDraft[] = [];
  const recoveryIds: string[] = [];
  const receiptIds: (string | null)[] = [];
  const itemById = new Map(items.map((i) => [i.item_id, i]));
  // Reinstatements first, each dated its recovery day, so the applications below find the items open.
  const reinstatementEntries: (string | null)[] = [];
  for (const c of checked) {
    if (c.reinstated.length === 0) {
      reinstatementEntries.push(null);
      continue;
    }
    const r = await receivables.reinstateWrittenOff(tx, {
      parts: c.reinstated.map((p) => ({ itemId: p.itemId, amountMinor: p.amountMinor })),
      date: c.date,
      reason: `recovered by ${c.placement.agency_code} on placement ${c.placement.id}`,
      importId: options.importId,
    });
    reinstatementEntries.push(r.entryId);
  }
  for (const c of checked) {
    const id = `rcv_${ulid()}`;
    recoveryIds.push(id);
    const currency = c.placement.currency as CurrencyCode;
    const net = c.gross - c.commission;
    const entityId = itemById.get(c.parts[0]?.itemId ?? '')?.entity_id as string;
    const receiptId = net > 0n ? newId('receipt') : null;
    receiptIds.push(receiptId);
    if (receiptId) {
      receipts.push({
        id: receiptId,
        entityId,
        reference: `${c.placement.agency_code}-${c.line.reference ?? id}`,
        receiptDate: c.date,
        currency,
        amountMinor: net,
        payerName: c.placement.agency_name,
        payerAccount: null,
        method: 'other',
        memo: `agency recovery ${id} on placement ${c.placement.id}`,
        remittanceText: null,
        customerId: c.placement.customer_id,
        source: 'manual',
        importId: options.importId,
      });
    }
    const rows: ApplicationRowDraft[] = c.parts.map((p) => ({
      kind: 'invoice',
      amountMinor: p.amountMinor,
      itemId: p.itemId,
      customerId: c.placement.customer_id,
    }));
    if (c.commission > 0n)
      rows.push({
        kind: 'bank_fee',
        amountMinor: -c.commission,
        itemId: null,
        customerId: c.placement.customer_id,
        reasonCode: 'agency_commission',
        explanation: `commission of ${c.placement.agency_code} on recovery ${id}`,
      });
    batches.push({
      entityId,
      currency,
      appliedDate: c.date,
      receiptId,
      status: 'manual',
      rows,
      explanation: `recovery by ${c.placement.agency_code} on placement ${c.placement.id}`,
      importId: options.importId,
    });
  }
  await receivables.postReceipts(tx, receipts);
  const applied = await receivables.applyBatches(tx, batches);
  const recoveries: RecordedRecovery[] = [];
  for (let k = 0; k < checked.length; k++) {
    const c = checked[k] as Checked;
    const id = recoveryIds[k] as string;
    const currency = c.placement.currency as CurrencyCode;
    const entryId = applied.entryIds[k] ?? null;
    await tx
      .insertInto('agency_recoveries')
      .values({
        tenant_id: ctx.tenantId,
        id,
        placement_id: c.placement.id,
        recovered_on: c.date,
        currency,
        recovered_minor: c.gross,
        commission_minor: c.commission,
        net_minor: c.gross - c.commission,
        receipt_id: receiptIds[k] ?? null,
        journal_entry_id: entryId,
        reference: c.line.reference ?? null,
        import_id: options.importId,
        source_line: c.line.line ?? null,
        created_by: ctx.actor,
      })
      .execute();
    recoveries.push({
      id,
      line: c.line.line ?? null,
      placementId: c.placement.id,
      accountNumber: c.placement.account_number,
      agencyCode: c.placement.agency_code,
      currency,
      recoveredOn: c.date,
      recoveredMinor: c.gross,
      commissionMinor: c.commission,
      netMinor: c.gross - c.commission,
      receiptId: receiptIds[k] ?? null,
      journalEntryId: entryId,
      applied: c.parts.map((p) => ({ itemNumber: p.number, amountMinor: p.amountMinor })),
      reinstated: c.reinstated.map((p) => ({ itemNumber: p.number, amountMinor: p.amountMinor })),
      reinstatementEntryId: reinstatementEntries[k] ?? null,
    });
  }

  // Placements whose items are now all settled are closed (paid in full).
  const touched = [...new Set(checked.map((c) => c.placement.id))];
  const done = touched.filter((pid) =>
    (itemsOf.get(pid) ?? []).every((i) => (openNow.get(i.item_id) ?? 0n) === 0n),
  );
  const closing = done.filter((pid) => byId.get(pid)?.status === 'placed');
  const lastDate = new Map<string, LocalDate>();
  for (const c of checked) {
    const prev = lastDate.get(c.placement.id);
    if (!prev || c.date > prev) lastDate.set(c.placement.id, c.date);
  }
  for (const pid of closing)
    await closePlacements(tx, ctx.tenantId, [pid], {
      status: 'closed',
      on: lastDate.get(pid) as LocalDate,
      reason: 'paid in full through the agency',
    });

  await recordAudit(tx, ctx.tenantId, [
    ...recoveries.map((r) => ({
      actor: ctx.actor,
      action: 'agency.recovery_recorded',
      objectType: 'agency_recovery',
      objectId: r.id,
      after: {
        placement_id: r.placementId,
        agency: r.agencyCode,
        recovered_on: r.recoveredOn,
        currency: r.currency,
        recovered_minor: r.recoveredMinor.toString(),
        commission_minor: r.commissionMinor.toString(),
        net_minor: r.netMinor.toString(),
        receipt_id: r.receiptId,
        journal_entry_id: r.journalEntryId,
        applied: r.applied.map((a) => ({ item: a.itemNumber, amount_minor: a.amountMinor.toString() })),
        reinstated: r.reinstated.map((a) => ({ item: a.itemNumber, amount_minor: a.amountMinor.toString() })),
        reinstatement_entry_id: r.reinstatementEntryId,
      },
    })),
    ...closing.map((pid) => ({
      actor: ctx.actor,
      action: 'agency.placement_closed',
      objectType: 'agency_placement',
      objectId: pid,
      before: { status: 'placed' },
      after: { status: 'closed', closed_on: lastDate.get(pid), reason: 'paid in full through the agency' },
    })),
  ]);
  return { recoveries, closedPlacements: closing, importId: options.importId };
}
