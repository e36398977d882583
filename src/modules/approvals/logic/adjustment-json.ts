import { z } from 'zod';
import { isCurrencyCode } from '../../../core/currency.ts';
import { stringifyJson } from '../../../core/json-text.ts';
import type { Money } from '../../../core/money.ts';
import type { Adjustment, AdjustmentResult } from '../contract.ts';

/**
 * Adjustments and their results as kept in `approval_requests.payload` and `.result` (jsonb): the
 * same shape as in TypeScript, with every bigint written as a decimal string of minor units, since
 * JSON numbers would lose precision beyond 2^53. Reading validates the shape again.
 */
export function adjustmentToJson(value: Adjustment | AdjustmentResult): string {
  return stringifyJson(value);
}

const ZMinor = z
  .union([z.string().regex(/^-?\d+$/), z.bigint()])
  .transform((v) => (typeof v === 'bigint' ? v : BigInt(v)));
const ZMoney = z
  .object({ amountMinor: ZMinor, currency: z.string().refine(isCurrencyCode) })
  .transform((m): Money => ({ amountMinor: m.amountMinor, currency: m.currency as Money['currency'] }));
const ZIds = z.array(z.string());

export const ZAdjustment = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('write_off'),
    itemId: z.string(),
    amount: ZMoney.nullable(),
    reasonCode: z.string(),
    note: z.string().nullable(),
  }),
  z.object({
    kind: z.literal('credit_memo'),
    customerId: z.string(),
    amount: ZMoney,
    reason: z.string(),
    invoiceId: z.string().nullable(),
    documentNumber: z.string().nullable(),
    entityCode: z.string().nullable(),
  }),
  z.object({ kind: z.literal('refund'), receiptId: z.string(), amount: ZMoney, note: z.string().nullable() }),
  z.object({
    kind: z.literal('settlement'),
    customerId: z.string(),
    itemIds: ZIds,
    agreedAmount: ZMoney,
    note: z.string().nullable(),
  }),
]);

export const ZAdjustmentResult = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('write_off'),
    itemId: z.string(),
    itemNumber: z.string(),
    amount: ZMoney,
    openAfterMinor: ZMinor,
    entryIds: ZIds,
    applicationIds: ZIds,
  }),
  z.object({
    kind: z.literal('credit_memo'),
    itemId: z.string(),
    itemNumber: z.string(),
    amount: ZMoney,
    invoiceId: z.string().nullable(),
    appliedMinor: ZMinor,
    openAfterMinor: ZMinor,
    entryIds: ZIds,
    applicationIds: ZIds,
  }),
  z.object({
    kind: z.literal('refund'),
    receiptId: z.string(),
    reference: z.string(),
    amount: ZMoney,
    unappliedAfterMinor: ZMinor,
    entryIds: ZIds,
    applicationIds: ZIds,
  }),
  z.object({
    kind: z.literal('settlement'),
    customerId: z.string(),
    agreedAmount: ZMoney,
    writtenOff: ZMoney,
    items: z.array(
      z.object({
        itemId: z.string(),
        itemNumber: z.string(),
        writtenOffMinor: ZMinor,
        openAfterMinor: ZMinor,
      }),
    ),
    entryIds: ZIds,
    applicationIds: ZIds,
  }),
]);

/** jsonb comes back parsed from the pg driver and as text from some paths; accept both. */
function parsed(value: unknown): unknown {
  return typeof value === 'string' ? JSON.parse(value) : value;
}

export function parseAdjustment(value: unknown): Adjustment {
  return ZAdjustment.parse(parsed(value));
}

export function parseAdjustmentResult(value: unknown): AdjustmentResult | null {
  const v = parsed(value);
  return v === null || v === undefined ? null : ZAdjustmentResult.parse(v);
}
