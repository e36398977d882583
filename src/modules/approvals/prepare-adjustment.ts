import type { Executor, ServiceContext } from '../../core/context.ts';
import type { Adjustment } from './contract.ts';
import { prepareCreditMemo } from './prepare-credit-memo.ts';
import { prepareRefund } from './prepare-refund.ts';
import { prepareSettlement } from './prepare-settlement.ts';
import { prepareWriteOff } from './prepare-write-off.ts';
import type { PreparedAdjustment } from './prepared-adjustment.ts';

/**
 * Reads, locks and checks what the adjustment touches. The same function serves the request (to
 * measure it, and to post it at once within the limit) and the approval (to check it again against
 * the state of that moment, and post it).
 */
export function prepareAdjustment(
  tx: Executor,
  ctx: ServiceContext,
  adjustment: Adjustment,
): Promise<PreparedAdjustment> {
  switch (adjustment.kind) {
    case 'write_off':
      return prepareWriteOff(tx, ctx, adjustment);
    case 'credit_memo':
      return prepareCreditMemo(tx, ctx, adjustment);
    case 'refund':
      return prepareRefund(tx, ctx, adjustment);
    case 'settlement':
      return prepareSettlement(tx, ctx, adjustment);
  }
}
