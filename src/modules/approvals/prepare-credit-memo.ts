import type { Executor, ServiceContext } from '../../core/context.ts';
import { newId } from '../../core/ids.ts';
import { maxDate } from '../../core/local-date.ts';
import {
  createReceivablesService,
  findItemIdsByNumber,
  type ItemState,
  lockItems,
  reserveNumbers,
} from '../receivables/index.ts';
import { findEntities } from '../tenancy/index.ts';
import { approvalsError } from './approvals.errors.ts';
import { findCustomerById, findItemEntryId } from './approvals.repo.ts';
import type { Adjustment } from './contract.ts';
import { explain, type PreparedAdjustment } from './prepared-adjustment.ts';

/** Items a credit memo may be netted against, as in `arbor import invoices` (applies_to). */
const NETTABLE = new Set(['invoice', 'debit_memo', 'deduction']);

/**
 * Issues a credit memo: a new negative `credit_memo` item posted by receivables.postItems, as the
 * invoice import posts one (Dr revenue, Cr AR on the memo; DOMAIN.md). With an invoice, the memo is
 * then netted against it as the import's `applies_to` does — an application batch without a receipt,
 * `invoice +x` and `credit_memo −x`, up to the invoice's open amount; what is left of the memo stays
 * an open credit on the customer's account. Issued and netted on the day it is made.
 */
export async function prepareCreditMemo(
  tx: Executor,
  ctx: ServiceContext,
  adjustment: Extract<Adjustment, { kind: 'credit_memo' }>,
): Promise<PreparedAdjustment> {
  const t = ctx.tenantId;
  const customer = await findCustomerById(tx, t, adjustment.customerId);
  if (!customer)
    throw approvalsError('approvals.customer_not_found', `customer ${adjustment.customerId} not found`);
  let entityId = customer.entityId;
  if (adjustment.entityCode !== null) {
    const code = adjustment.entityCode.toUpperCase();
    const entity = (await findEntities(tx, t)).find((e) => e.code.toUpperCase() === code);
    if (!entity)
      throw approvalsError('approvals.invalid_request', `unknown entity "${adjustment.entityCode}"`);
    entityId = entity.id;
  }
  const { amount } = adjustment;
  let invoice: ItemState | null = null;
  if (adjustment.invoiceId !== null) {
    invoice = (await lockItems(tx, t, [adjustment.invoiceId])).get(adjustment.invoiceId) ?? null;
    if (!invoice) throw approvalsError('approvals.item_not_found', `item ${adjustment.invoiceId} not found`);
    const problem = !NETTABLE.has(invoice.type)
      ? `is a ${invoice.type.replace('_', ' ')}; a credit memo applies to an invoice, debit memo or deduction`
      : invoice.customerId !== customer.id
        ? `belongs to another customer than ${customer.accountNumber}`
        : invoice.currency !== amount.currency
          ? `is in ${invoice.currency}, not ${amount.currency}`
          : invoice.entityId !== entityId
            ? 'belongs to another entity'
            : null;
    if (problem) throw approvalsError('approvals.invalid_request', `${invoice.number} ${problem}`);
  }
  await checkNumberFree(tx, t, adjustment.documentNumber);
  const target = invoice;
  return {
    adjustment,
    amount,
    customerId: customer.id,
    subjectId: target?.id ?? null,
    reason: adjustment.reason,
    object: { type: 'customer', id: customer.id },
    before: target ? { invoice: target.number, invoice_open_minor: target.openMinor } : {},
    async post(meta) {
      const receivables = createReceivablesService(ctx);
      const today = ctx.clock.today();
      const itemId = newId('item');
      const number = adjustment.documentNumber ?? (await nextCreditMemoNumber(tx, t));
      await checkNumberFree(tx, t, number);
      await receivables.postItems(tx, [
        {
          id: itemId,
          entityId,
          customerId: customer.id,
          type: 'credit_memo',
          number,
          issueDate: today,
          dueDate: today,
          currency: amount.currency,
          amountMinor: -amount.amountMinor,
          terms: null,
          discountPercent: null,
          discountUntil: null,
          poNumber: null,
          reference: target?.number ?? null,
          description: adjustment.reason,
          billToPartyId: null,
          importId: null,
        },
      ]);
      const entryIds = [await findItemEntryId(tx, t, itemId)];
      const applicationIds: string[] = [];
      let applied = 0n;
      if (target) {
        applied = target.openMinor < amount.amountMinor ? target.openMinor : amount.amountMinor;
        if (applied > 0n) {
          const r = await receivables.applyBatches(tx, [
            {
              entityId,
              currency: amount.currency,
              appliedDate: maxDate(today, target.issueDate),
              receiptId: null,
              status: 'manual',
              explanation: explain(
                `credit memo ${number} applies to ${target.number}`,
                null,
                meta.approvalId,
                ctx.actor,
              ),
              rows: [
                { kind: 'invoice', amountMinor: applied, itemId: target.id, customerId: customer.id },
                { kind: 'credit_memo', amountMinor: -applied, itemId, customerId: customer.id },
              ],
            },
          ]);
          entryIds.push(...r.entryIds);
          applicationIds.push(...r.applicationIds);
        }
      }
      return {
        kind: 'credit_memo',
        itemId,
        itemNumber: number,
        amount,
        invoiceId: target?.id ?? null,
        appliedMinor: applied,
        openAfterMinor: -(amount.amountMinor - applied),
        entryIds,
        applicationIds,
      };
    },
  };
}

async function checkNumberFree(tx: Executor, tenantId: number, number: string | null): Promise<void> {
  if (number === null) return;
  if ((await findItemIdsByNumber(tx, tenantId, [number])).size > 0)
    throw approvalsError(
      'approvals.number_taken',
      `"${number}" already exists (numbers are unique in the tenant)`,
    );
}

/**
 * The next `CM-nnnnnn` from the tenant's `credit_memo` sequence, skipping numbers an import has
 * already used (imported documents keep the numbers of the system they came from).
 */
async function nextCreditMemoNumber(tx: Executor, tenantId: number): Promise<string> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const n = await reserveNumbers(tx, tenantId, 'credit_memo', 1);
    const number = `CM-${String(n).padStart(6, '0')}`;
    if ((await findItemIdsByNumber(tx, tenantId, [number])).size === 0) return number;
  }
  throw approvalsError(
    'approvals.number_taken',
    'could not find a free credit memo number after 100 tries; give documentNumber',
  );
}
