import type { ServiceContext } from '../../core/context.ts';
import { type Access, getCustomerOrThrow, loadSettings, summaryOf } from './collections.lookup.ts';
import { findRecentCalls } from './collections.repo.ts';
import type { ContactCheckView, CustomerKey } from './contract.ts';
import { checkCallAllowed } from './logic/check-call-allowed.ts';
import { localTimeOf } from './logic/local-time.ts';

const WEEK_MS = 7 * 24 * 60 * 60 * 1000;
const pad = (n: number) => String(n).padStart(2, '0');

/**
 * Whether a call to the customer may be made now, and why not — what an analyst (or a dialer) asks
 * before calling. The same rules as logCall, which decides again when the call is logged.
 */
export async function checkContact(
  ctx: ServiceContext,
  customer: CustomerKey,
  access: Access = {},
): Promise<ContactCheckView> {
  const ex = ctx.database.db;
  const c = await getCustomerOrThrow(ex, ctx.tenantId, customer, access);
  const settings = await loadSettings(ex, ctx.tenantId);
  const now = ctx.clock.now();
  const timeZone = c.timeZone ?? settings.timeZone;
  const recent = (await findRecentCalls(ex, ctx.tenantId, c.id, new Date(now.getTime() - WEEK_MS))).filter(
    (r) => r.at.getTime() <= now.getTime(),
  );
  const check = checkCallAllowed({
    customerType: c.customerType,
    now,
    timeZone,
    recentCalls: recent,
    businessCallsPer7Days: settings.businessCallsPer7Days,
  });
  const local = localTimeOf(now, timeZone);
  const conversations = recent.filter((r) => r.conversation).map((r) => r.at.getTime());
  return {
    customer: summaryOf(c),
    allowed: check.allowed,
    code: check.allowed ? null : check.code,
    reason: check.allowed ? null : check.reason,
    timeZone,
    localTime: `${local.date}T${pad(local.hour)}:${pad(local.minute)}`,
    callsInLast7Days: recent.length,
    lastConversationAt: conversations.length > 0 ? new Date(Math.max(...conversations)) : null,
  };
}
