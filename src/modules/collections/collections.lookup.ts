import type { Executor } from '../../core/context.ts';
import type { CurrencyCode } from '../../core/currency.ts';
import type { AppError } from '../../core/errors.ts';
import { formatAmount, type Money, money, parseAmount } from '../../core/money.ts';
import { collectionsError } from './collections.errors.ts';
import {
  type CustomerRecord,
  findCustomer,
  findItems,
  findTenantSettings,
  type ItemRecord,
} from './collections.repo.ts';
import type { AmountInput, CustomerKey, CustomerSummary } from './contract.ts';
import { type CollectionsSettings, collectionsSettingsOf } from './logic/collections-settings.ts';

/**
 * Lookups and input checks shared by the use cases: customers (within an analyst's portfolio),
 * items, settings, and the text fields analysts type.
 */

/** Who may see what: a portfolio-scoped analyst reaches only the customers they collect. */
export interface Access {
  readonly portfolioOf?: string | undefined;
}

const describe = (key: CustomerKey) => ('customerId' in key ? key.customerId : key.account);

export async function getCustomerOrThrow(
  ex: Executor,
  tenantId: number,
  key: CustomerKey,
  access: Access = {},
  lock = false,
): Promise<CustomerRecord> {
  const c = await findCustomer(
    ex,
    tenantId,
    'customerId' in key ? { id: key.customerId } : { account: key.account },
    lock,
  );
  // Outside the portfolio reads as not found: the analyst learns nothing about other accounts.
  if (!c || (access.portfolioOf !== undefined && c.collector !== access.portfolioOf))
    throw collectionsError('collections.customer_not_found', `no customer ${describe(key)}`);
  return c;
}

/**
 * The customer an object (task, promise, plan, dispute) belongs to. Outside the caller's portfolio
 * the object itself reads as not found (`notFound`).
 */
export async function getCustomerOfObject(
  ex: Executor,
  tenantId: number,
  customerId: string,
  access: Access,
  notFound: () => AppError,
): Promise<CustomerRecord> {
  const c = await findCustomer(ex, tenantId, { id: customerId });
  if (!c || (access.portfolioOf !== undefined && c.collector !== access.portfolioOf)) throw notFound();
  return c;
}

export function summaryOf(c: CustomerRecord): CustomerSummary {
  return {
    id: c.id,
    accountNumber: c.accountNumber,
    name: c.name,
    customerType: c.customerType,
    collector: c.collector,
    currency: c.currency,
  };
}

export async function loadSettings(ex: Executor, tenantId: number): Promise<CollectionsSettings> {
  return collectionsSettingsOf(await findTenantSettings(ex, tenantId));
}

const DEBIT_TYPES = new Set(['invoice', 'debit_memo', 'deduction']);

/**
 * The customer's debit items (invoices, debit memos, deductions) named by id or number, every
 * problem reported at once.
 */
export async function resolveCustomerItems(
  ex: Executor,
  tenantId: number,
  customer: CustomerRecord,
  keys: readonly string[] | undefined,
  currency: string,
): Promise<ItemRecord[]> {
  const wanted = [...new Set((keys ?? []).map((k) => k.trim()).filter((k) => k !== ''))];
  if (wanted.length === 0) return [];
  const found = await findItems(ex, tenantId, wanted);
  const issues: { column: string; message: string }[] = [];
  const items: ItemRecord[] = [];
  for (const key of wanted) {
    const item = found.get(key);
    if (!item) issues.push({ column: 'items', message: `no item ${key}` });
    else if (item.customerId !== customer.id)
      issues.push({
        column: 'items',
        message: `${item.number} belongs to another customer than ${customer.accountNumber}`,
      });
    else if (!DEBIT_TYPES.has(item.type))
      issues.push({
        column: 'items',
        message: `${item.number} is a ${item.type.replace('_', ' ')}, not an invoice, debit memo or deduction`,
      });
    else if (item.currency !== currency)
      issues.push({ column: 'items', message: `${item.number} is in ${item.currency}, not ${currency}` });
    else items.push(item);
  }
  if (issues.length > 0)
    throw collectionsError('collections.invalid_request', issues.map((i) => i.message).join('; '), {
      issues,
    });
  return items;
}

/** A trimmed text field: required or optional, at most `max` characters. */
export function text(field: string, value: string | undefined, max: number, required: true): string;
export function text(field: string, value: string | undefined, max: number, required?: false): string | null;
export function text(field: string, value: string | undefined, max: number, required = false): string | null {
  const v = value?.trim() ?? '';
  if (v === '') {
    if (required) throw invalid(field, 'is required');
    return null;
  }
  if (v.length > max) throw invalid(field, `is longer than ${max} characters`);
  return v;
}

const CODE = /^[a-z][a-z0-9_]{0,49}$/;

/** Outcome and reason codes are snake_case (`left_message`, `pricing_dispute`), as reason codes elsewhere. */
export function code(field: string, value: string | undefined, required: true): string;
export function code(field: string, value: string | undefined, required?: false): string | null;
export function code(field: string, value: string | undefined, required = false): string | null {
  const v = value?.trim().toLowerCase() ?? '';
  if (v === '') {
    if (required) throw invalid(field, 'is required');
    return null;
  }
  if (!CODE.test(v))
    throw invalid(field, `"${value}" is not a code: lower-case letters, digits and _ (e.g. left_message)`);
  return v;
}

export function invalid(field: string, message: string) {
  return collectionsError('collections.invalid_request', `${field} ${message}`, {
    issues: [{ column: field, message }],
  });
}

export function checkPositive(field: string, amount: Money, currency: CurrencyCode | string): void {
  if (amount.currency !== currency)
    throw invalid(field, `is in ${amount.currency}; the account is in ${currency}`);
  if (amount.amountMinor <= 0n) throw invalid(field, 'must be positive');
}

/** An amount as given: `Money` in the expected currency, or a decimal string read in it. */
export function toMoney(field: string, input: AmountInput, currency: CurrencyCode | string): Money {
  if (typeof input !== 'string') {
    if (input.currency !== currency) throw invalid(field, `is in ${input.currency}, not ${currency}`);
    return input;
  }
  try {
    return money(parseAmount(input, currency as CurrencyCode), currency);
  } catch (e) {
    throw invalid(field, (e as Error).message);
  }
}

export const show = (m: Money) => `${formatAmount(m.amountMinor, m.currency)} ${m.currency}`;
